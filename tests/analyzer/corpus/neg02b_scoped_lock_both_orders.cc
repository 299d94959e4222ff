// Negative 2: scoped_lock(m1, m2) and scoped_lock(m2, m1).
#include <mutex>
std::mutex m1, m2;
void one() { std::scoped_lock both(m1, m2); }
void two() { std::scoped_lock both(m2, m1); }
