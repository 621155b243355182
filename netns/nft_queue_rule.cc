#include "netns/nft_queue_rule.h"

#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_NFQUEUE.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include "netns/error.h"
#include "netns/network_namespace.h"
#include "netns/nftables.h"

namespace viplab {
namespace {

struct RuleFree {
  void operator()(nftnl_rule* rule) const { nftnl_rule_free(rule); }
};
struct MnlClose {
  void operator()(mnl_socket* sock) const { mnl_socket_close(sock); }
};

uint16_t FamilyNumber(const std::string& family) {
  if (family == "inet") return NFPROTO_INET;
  if (family == "ip") return NFPROTO_IPV4;
  throw SystemError::FromErrno(
      EINVAL, fmt::format("queue rule: unsupported nftables family '{}' (inet or ip)", family));
}

// meta l4proto == rule.l4proto, then the xt NFQUEUE target (revision 3: queue, count, flags).
std::unique_ptr<nftnl_rule, RuleFree> BuildCompatRule(const QueueRule& rule) {
  std::unique_ptr<nftnl_rule, RuleFree> r(nftnl_rule_alloc());
  if (!r) throw SystemError::FromErrno(ENOMEM, "could not allocate an nftables rule");
  nftnl_rule_set_u32(r.get(), NFTNL_RULE_FAMILY, FamilyNumber(rule.family));
  nftnl_rule_set_str(r.get(), NFTNL_RULE_TABLE, rule.table.c_str());
  nftnl_rule_set_str(r.get(), NFTNL_RULE_CHAIN, rule.chain.c_str());

  // nftnl_rule_add_expr hands ownership of each expression to the rule.
  nftnl_expr* meta = nftnl_expr_alloc("meta");
  nftnl_expr* cmp = nftnl_expr_alloc("cmp");
  nftnl_expr* target = nftnl_expr_alloc("target");
  // libnftnl keeps (and later frees) the info pointer rather than copying it, so it must come
  // from malloc. The kernel expects the xt-aligned size.
  auto* info = static_cast<xt_NFQ_info_v3*>(std::calloc(1, XT_ALIGN(sizeof(xt_NFQ_info_v3))));
  if (meta == nullptr || cmp == nullptr || target == nullptr || info == nullptr) {
    if (meta) nftnl_expr_free(meta);
    if (cmp) nftnl_expr_free(cmp);
    if (target) nftnl_expr_free(target);
    std::free(info);
    throw SystemError::FromErrno(ENOMEM, "could not allocate nftables expressions");
  }
  nftnl_expr_set_u32(meta, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
  nftnl_expr_set_u32(meta, NFTNL_EXPR_META_DREG, NFT_REG_1);
  nftnl_rule_add_expr(r.get(), meta);

  nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
  nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
  nftnl_expr_set(cmp, NFTNL_EXPR_CMP_DATA, &rule.l4proto, sizeof(rule.l4proto));
  nftnl_rule_add_expr(r.get(), cmp);

  info->queuenum = rule.queue_num;
  info->queues_total = 1;
  info->flags = NFQ_FLAG_BYPASS;
  nftnl_expr_set_str(target, NFTNL_EXPR_TG_NAME, "NFQUEUE");
  nftnl_expr_set_u32(target, NFTNL_EXPR_TG_REV, 3);
  nftnl_expr_set(target, NFTNL_EXPR_TG_INFO, info, XT_ALIGN(sizeof(xt_NFQ_info_v3)));
  nftnl_rule_add_expr(r.get(), target);
  return r;
}

// Sends one nftables transaction (batch begin, NEWRULE, batch end) and waits for its ack.
// Returns 0 or the kernel's errno. Runs on a thread inside the namespace.
int SendCompatRule(nftnl_rule* rule, uint16_t family) {
  std::unique_ptr<mnl_socket, MnlClose> sock(mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC));
  if (!sock) return errno;
  if (mnl_socket_bind(sock.get(), 0, MNL_SOCKET_AUTOPID) < 0) return errno;
  const unsigned portid = mnl_socket_get_portid(sock.get());

  std::vector<char> buffer(2 * MNL_SOCKET_BUFFER_SIZE);
  mnl_nlmsg_batch* batch = mnl_nlmsg_batch_start(buffer.data(), MNL_SOCKET_BUFFER_SIZE);
  uint32_t seq = static_cast<uint32_t>(std::time(nullptr));
  nftnl_batch_begin(static_cast<char*>(mnl_nlmsg_batch_current(batch)), seq++);
  mnl_nlmsg_batch_next(batch);
  const uint32_t rule_seq = seq++;
  nlmsghdr* nlh = nftnl_rule_nlmsg_build_hdr(static_cast<char*>(mnl_nlmsg_batch_current(batch)),
                                             NFT_MSG_NEWRULE, family,
                                             NLM_F_APPEND | NLM_F_CREATE | NLM_F_ACK, rule_seq);
  nftnl_rule_nlmsg_build_payload(nlh, rule);
  mnl_nlmsg_batch_next(batch);
  nftnl_batch_end(static_cast<char*>(mnl_nlmsg_batch_current(batch)), seq++);
  mnl_nlmsg_batch_next(batch);

  const ssize_t sent =
      mnl_socket_sendto(sock.get(), mnl_nlmsg_batch_head(batch), mnl_nlmsg_batch_size(batch));
  const int send_errno = errno;
  mnl_nlmsg_batch_stop(batch);
  if (sent < 0) return send_errno;

  // The ack (or the error) of the rule message ends the exchange: mnl_cb_run returns
  // MNL_CB_STOP (0) for an ack and MNL_CB_ERROR (-1, errno set) for an error.
  for (;;) {
    const ssize_t n = mnl_socket_recvfrom(sock.get(), buffer.data(), buffer.size());
    if (n < 0) return errno;
    const int rc = mnl_cb_run(buffer.data(), n, rule_seq, portid, nullptr, nullptr);
    if (rc < 0) return errno;
    if (rc == MNL_CB_STOP) return 0;
  }
}

}  // namespace

std::string NativeQueueRuleScript(const QueueRule& rule) {
  return fmt::format("add rule {} {} {} meta l4proto {} queue num {} bypass\n", rule.family,
                     rule.table, rule.chain, rule.l4proto, rule.queue_num);
}

QueueRulePath AddQueueRule(const NetworkNamespace& ns, Nftables& nft, const QueueRule& rule) {
  std::string native_error;
  try {
    nft.Run(NativeQueueRuleScript(rule), "add an nftables queue rule");
    return QueueRulePath::kNative;
  } catch (const SystemError& e) {
    native_error = e.what();  // typically "No such file or directory": no nft_queue
  }
  const uint16_t family = FamilyNumber(rule.family);
  auto compat = BuildCompatRule(rule);
  int err = 0;
  ns.Run([&] { err = SendCompatRule(compat.get(), family); });
  if (err != 0) {
    throw SystemError::FromErrno(
        err, fmt::format("could not add a queue rule (queue {}) in namespace '{}': the native "
                         "rule failed ({}) and so did the xt NFQUEUE target via nft_compat",
                         rule.queue_num, ns.name(), native_error));
  }
  return QueueRulePath::kCompat;
}

}  // namespace viplab
