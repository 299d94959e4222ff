/* A statically linked program: the loader never preloads anything into it. */
#include <stdio.h>

int main(void) {
  puts("static program ran");
  return 0;
}
