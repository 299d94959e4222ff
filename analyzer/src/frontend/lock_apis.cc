#include "frontend/std_apis.h"

namespace lockorder::analyzer::frontend {

LockApis all_lock_apis(const Configuration& configuration, std::vector<std::string>& used) {
  LockApis apis;
  apis.add(make_annotated_api());
  apis.add(make_configured_api(configuration, used));
  apis.add(make_std_api());
  apis.add(make_pthread_api());
  return apis;
}

}  // namespace lockorder::analyzer::frontend
