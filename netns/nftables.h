// Nftables: an RAII handle on a libnftables context (nft_ctx) bound to one network namespace.
//
// libnftables opens its netlink sockets when a command runs, and a socket belongs to the
// namespace of the thread that creates it. So the context is created, and every script is run,
// on a short-lived thread that has joined the namespace (as NetworkNamespace::Run does); the
// calling thread never changes namespace. The handle keeps its own descriptor of the namespace,
// so it stays valid when the NetworkNamespace object it came from is moved or destroyed.
//
// A script is applied by nft as one transaction: either all of it takes effect or none does.
// nft's error messages are captured (not printed) and become the SystemError message, e.g.
// "could not add nftables rules in namespace 'vl-3-lb1': Error: syntax error, ...".
//
// Thread-safe: calls on one handle are serialized, and so are calls across handles, because
// libnftables keeps process-wide state (its parser and symbol tables) that is not documented as
// safe for concurrent contexts. The host's own namespace is refused (see host_guard.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace viplab {

class NetworkNamespace;

class Nftables {
 public:
  // Creates the nft_ctx on a thread inside `ns`. Throws SystemError if `ns` is the host's
  // namespace or the context cannot be created.
  static Nftables OpenIn(const NetworkNamespace& ns);

  Nftables(Nftables&&) noexcept;
  Nftables& operator=(Nftables&&) noexcept;
  ~Nftables();

  // Runs `script` (nft syntax, as for `nft -f`) inside the namespace and returns nft's output
  // (non-empty for `list` commands). On failure throws SystemError
  // "could not <what> in namespace '<ns>': <nft's error text>".
  std::string Run(std::string_view script, std::string_view what = "run nftables commands");

  const std::string& ns_name() const;

 private:
  struct Impl;
  explicit Nftables(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace viplab
