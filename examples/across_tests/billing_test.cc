#include <gtest/gtest.h>

#include "accounts.h"

TEST(Billing, BillsAnAccount) { bill(); }
