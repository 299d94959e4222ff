#pragma once
#include <mutex>
class Ledger;
class Account {
 public:
  void post(Ledger* ledger);
  void touch();
 private:
  std::mutex mu_;
};
class Ledger {
 public:
  void record(Account* account);
  void touch();
 private:
  std::mutex mu_;
};
