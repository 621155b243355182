// IPv4 address and prefix values ("10.77.0.200/24"). Parsing errors throw std::invalid_argument
// with the offending text; callers turn them into InputError naming the file and field.
#pragma once

#include <netinet/in.h>

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace viplab {

class Ipv4Address {
 public:
  Ipv4Address() = default;
  // Host byte order value, e.g. 0x0A4D00C8 for 10.77.0.200.
  explicit Ipv4Address(uint32_t host_order) : value_(host_order) {}
  static Ipv4Address Parse(std::string_view text);  // dotted quad only

  uint32_t host_order() const { return value_; }
  in_addr ToInAddr() const;
  std::string ToString() const;
  auto operator<=>(const Ipv4Address&) const = default;

 private:
  uint32_t value_ = 0;
};

class Ipv4Prefix {
 public:
  Ipv4Prefix() = default;
  Ipv4Prefix(Ipv4Address address, int length);
  static Ipv4Prefix Parse(std::string_view text);  // "a.b.c.d/len", len 0..32

  Ipv4Address address() const { return address_; }
  int length() const { return length_; }
  Ipv4Address Network() const;    // address with host bits cleared
  Ipv4Address Broadcast() const;  // address with host bits set
  bool Contains(Ipv4Address a) const;
  // The n-th host of the network (1-based); throws std::out_of_range past the last usable host.
  Ipv4Address Host(uint32_t n) const;
  uint32_t UsableHosts() const;  // 2^(32-len) - 2 for len < 31
  std::string ToString() const;  // "a.b.c.d/len"
  auto operator<=>(const Ipv4Prefix&) const = default;

 private:
  Ipv4Address address_;
  int length_ = 32;
};

}  // namespace viplab
