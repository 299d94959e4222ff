#include <gtest/gtest.h>

#include "accounts.h"

TEST(Orders, PostsAnOrder) { post_order(); }
