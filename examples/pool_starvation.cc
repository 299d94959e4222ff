// A renderer runs each page on a small thread pool, and each page renders its images as tasks of
// the same pool, waiting for them. With as many pages in flight as workers, every worker runs a
// page that waits for an image queued behind the other pages: nothing can ever run again. The
// pool's queue holds the work, no lock is involved, and the program hangs for good. lockorder
// reports the starvation the moment the last worker starts to wait, with the task each worker
// runs, and the program ends instead of hanging. `--fixed` renders images on a pool of their
// own, so a page never waits for a task queued behind it, and the program finishes.
#include <lockorder/lockorder.h>

#include <cstdio>
#include <cstring>
#include <latch>
#include <vector>

namespace {

constexpr int kWorkers = 2;

int render_image(int page, int image) { return page * 10 + image; }

int render_page(lockorder::thread_pool& images, int page, std::latch& all_started) {
  all_started.arrive_and_wait();  // every worker busy with a page, as under load
  std::vector<lockorder::future<int>> parts;
  for (int image = 0; image < 2; ++image) parts.push_back(images.submit(render_image, page, image));
  int sum = 0;
  for (lockorder::future<int>& part : parts) sum += part.get();
  return sum;
}

}  // namespace

int main(int argc, char** argv) {
  const bool fixed = argc > 1 && std::strcmp(argv[1], "--fixed") == 0;
  lockorder::thread_pool pages(kWorkers, "pages");
  lockorder::thread_pool own_images(kWorkers, "images");
  lockorder::thread_pool& images = fixed ? own_images : pages;
  std::latch all_started(kWorkers);
  std::vector<lockorder::future<int>> rendered;
  for (int page = 0; page < kWorkers; ++page)
    rendered.push_back(pages.submit([&, page] { return render_page(images, page, all_started); }));
  int total = 0;
  for (lockorder::future<int>& page : rendered) total += page.get();
  std::printf("rendered %d pages (checksum %d)\n", kWorkers, total);
  return 0;
}
