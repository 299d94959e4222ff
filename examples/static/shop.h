#pragma once
#include <mutex>
#include <vector>

class Stock;

class Order {
 public:
  void reserve(Stock& stock, int quantity);
  void notify();

 private:
  std::mutex mu_;
  int reserved_ = 0;
  int notifications_ = 0;
};

class Stock {
 public:
  bool take(int quantity);
  void restock(int quantity);

 private:
  std::mutex mu_;
  int count_ = 0;
  std::vector<Order*> waiting_;
};
