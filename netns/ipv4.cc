#include "netns/ipv4.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

namespace viplab {
namespace {

// Parses a decimal number of at most `max_digits` digits with no sign, no leading zero (a
// leading zero means octal to inet_aton, so "010" is rejected rather than guessed) and no
// surrounding text.
bool ParseDecimal(std::string_view text, int max_digits, uint32_t max, uint32_t& out) {
  if (text.empty() || static_cast<int>(text.size()) > max_digits) return false;
  if (text.size() > 1 && text[0] == '0') return false;
  uint32_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value > max) return false;
  out = value;
  return true;
}

uint32_t Mask(int length) { return length == 0 ? 0 : ~uint32_t{0} << (32 - length); }

}  // namespace

Ipv4Address Ipv4Address::Parse(std::string_view text) {
  uint32_t value = 0;
  std::string_view rest = text;
  for (int i = 0; i < 4; ++i) {
    const size_t dot = rest.find('.');
    const bool last = i == 3;
    if (last != (dot == std::string_view::npos)) {
      throw std::invalid_argument(fmt::format("invalid IPv4 address '{}'", text));
    }
    uint32_t octet = 0;
    if (!ParseDecimal(rest.substr(0, dot), 3, 255, octet)) {
      throw std::invalid_argument(fmt::format("invalid IPv4 address '{}'", text));
    }
    value = value << 8 | octet;
    if (!last) rest.remove_prefix(dot + 1);
  }
  return Ipv4Address(value);
}

in_addr Ipv4Address::ToInAddr() const {
  in_addr a{};
  a.s_addr = htonl(value_);
  return a;
}

std::string Ipv4Address::ToString() const {
  return fmt::format("{}.{}.{}.{}", value_ >> 24, (value_ >> 16) & 0xff, (value_ >> 8) & 0xff,
                     value_ & 0xff);
}

Ipv4Prefix::Ipv4Prefix(Ipv4Address address, int length) : address_(address), length_(length) {
  if (length < 0 || length > 32) {
    throw std::invalid_argument(
        fmt::format("invalid IPv4 prefix length {} for '{}'", length, address.ToString()));
  }
}

Ipv4Prefix Ipv4Prefix::Parse(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    throw std::invalid_argument(fmt::format("invalid IPv4 prefix '{}': missing '/length'", text));
  }
  Ipv4Address address;
  try {
    address = Ipv4Address::Parse(text.substr(0, slash));
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument(fmt::format("invalid IPv4 prefix '{}': bad address", text));
  }
  uint32_t length = 0;
  if (!ParseDecimal(text.substr(slash + 1), 2, 32, length)) {
    throw std::invalid_argument(
        fmt::format("invalid IPv4 prefix '{}': length must be 0..32", text));
  }
  return Ipv4Prefix(address, static_cast<int>(length));
}

Ipv4Address Ipv4Prefix::Network() const {
  return Ipv4Address(address_.host_order() & Mask(length_));
}

Ipv4Address Ipv4Prefix::Broadcast() const {
  return Ipv4Address(address_.host_order() | ~Mask(length_));
}

bool Ipv4Prefix::Contains(Ipv4Address a) const {
  return (a.host_order() & Mask(length_)) == Network().host_order();
}

// /31 (RFC 3021) and /32 have no network or broadcast address, so every address is a host and
// Host(1) is the first address of the range; otherwise Host(1) is network + 1.
Ipv4Address Ipv4Prefix::Host(uint32_t n) const {
  if (n == 0 || n > UsableHosts()) {
    throw std::out_of_range(
        fmt::format("host {} is outside {} ({} usable hosts)", n, ToString(), UsableHosts()));
  }
  const uint32_t offset = length_ >= 31 ? n - 1 : n;
  return Ipv4Address(Network().host_order() + offset);
}

uint32_t Ipv4Prefix::UsableHosts() const {
  if (length_ == 32) return 1;
  if (length_ == 31) return 2;
  // 2^32 - 2 still fits in uint32_t; compute in 64 bits to avoid the shift by 32.
  return static_cast<uint32_t>((uint64_t{1} << (32 - length_)) - 2);
}

std::string Ipv4Prefix::ToString() const {
  return fmt::format("{}/{}", address_.ToString(), length_);
}

}  // namespace viplab
