#include "frontend/std_apis.h"

namespace lockorder::analyzer::frontend {

LockApis all_lock_apis(const Configuration& configuration) {
  LockApis apis;
  apis.add(make_annotated_api());
  apis.add(make_configured_api(configuration));
  apis.add(make_std_api());
  apis.add(make_pthread_api());
  return apis;
}

}  // namespace lockorder::analyzer::frontend
