// Shared pieces of ReadKeepalivedConfig (keepalived_config.cc, global_defs_reader.cc,
// track_reader.cc, vrrp_instance_reader.cc): the reading context and keepalived 2.2.7's number
// readers. Not part of the kconf contract.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/kconf/keepalived_config.h"

namespace viplab::kconf::internal {

// What keepalived's lib/parser.c number readers (read_int_func, read_unsigned_func,
// read_decimal_unsigned_long_func; a build without _STRICT_CONFIG_, as Debian's) make of a word:
// `accepted` is their return value, `clean` false when they log a complaint (trailing garbage,
// out of range, too many decimals) and `value` what they store (for decimals: scaled by 10^shift).
struct NumberRead {
  bool accepted = false;
  bool clean = false;
  long long value = 0;
};
NumberRead ReadInt(const std::string& word, long long min, long long max, bool ignore_error);
NumberRead ReadUnsigned(const std::string& word, unsigned long long min, unsigned long long max,
                        bool ignore_error);
NumberRead ReadDecimal(const std::string& word, unsigned long long min, unsigned long long max,
                       unsigned shift, bool ignore_error);
// lib/parser.c check_true_false: true/on/yes, false/off/no, else nullopt.
std::optional<bool> ReadTrueFalse(const std::string& word);

// keepalived's TIMER_HZ (lib/timer.h): microseconds.
inline constexpr long long kTimerHz = 1000000;

// Per-instance facts needed after every line is read (defaults that depend on other lines).
struct InstanceState {
  bool priority_set = false;
  bool strict_set = false;
  bool accept_set = false;
  bool unicast_configured = false;  // any unicast keyword (vrrp_parser.c: UNICAST_CONFIGURED)
  bool saddr_from_config = false;   // unicast_src_ip / mcast_src_ip given
  bool has_mcast_dst = false;
  int family = 0;           // 0 not yet known, 4 or 6: the first VIP / unicast address decides
  long long advert_us = 0;  // 0: default (vrrp.c vrrp_complete_instance: 1 s)
  std::optional<SourceLocation> bad_vrid;  // a virtual_router_id line keepalived ignored
  std::string bad_vrid_word;
  std::optional<SourceLocation> ignored_interface;  // an interface line keepalived ignored
  std::string ignored_interface_why;
};

// One ReadKeepalivedConfig call.
class Reader {
 public:
  explicit Reader(KeepalivedConfig& config) : config_(config) {}

  KeepalivedConfig& config() { return config_; }
  std::vector<InstanceState>& states() { return states_; }

  // InputError "<file>:<line>: <keyword>: <what>".
  [[noreturn]] void Fail(const ConfNode& node, std::string_view what) const;
  [[noreturn]] void Fail(const SourceLocation& where, std::string_view keyword,
                         std::string_view what) const;
  void Warn(const ConfNode& node, std::string what);
  void Unmodelled(const ConfNode& node);
  void Unknown(const ConfNode& node);
  void NotExercised(const ConfNode& node, std::string what, std::string why);
  // args[index]; a missing one stops keepalived (lib/parser.c null_strvec: exit
  // KEEPALIVED_EXIT_CONFIG), so InputError.
  const std::string& Arg(const ConfNode& node, size_t index) const;

 private:
  KeepalivedConfig& config_;
  std::vector<InstanceState> states_;
};

LineRef RefOf(const ConfNode& node);
// The words joined by one space.
std::string Join(const std::vector<std::string>& words, size_t from = 0);

// Readers of one block each.
void ReadGlobalDefs(Reader& reader, const ConfNode& node);
void ReadVrrpScript(Reader& reader, const ConfNode& node);
void ReadTrackProcess(Reader& reader, const ConfNode& node);
void ReadTrackFile(Reader& reader, const ConfNode& node);
void ReadSyncGroup(Reader& reader, const ConfNode& node);
void ReadVrrpInstance(Reader& reader, const ConfNode& node);
// The block of track_script / track_process / track_file / track_interface of `owner` (an
// instance's or a sync group's name), resolved as keepalived does while it parses.
void ReadTrackBlock(Reader& reader, const ConfNode& node, std::vector<TrackRef>& out);
// notify / notify_master / ... of an instance or sync group. False if `node` is none of them.
bool ReadNotify(Reader& reader, const ConfNode& node, NotifyScripts& notify);
// After every line: sync group members resolved (vrrp_sync.c vrrp_sync_set_group).
void CompleteSyncGroups(Reader& reader);
// After every line: defaults that depend on other lines, and what keepalived refuses to load.
void CompleteInstances(Reader& reader);

}  // namespace viplab::kconf::internal
