// `keepalived --config-test` on one keepalived.conf inside a scratch network namespace that has
// the interfaces the config names (issue 10: lint and certify check every file this way when
// root; keepalived's complaints become info findings, and only a file keepalived cannot load at
// all is bad input).
//
// RunConfigTest allocates a lab record (LabDirectory: prefix "vl-<id>-", so `viplab clean` finds
// what a SIGKILLed run left), creates the network namespace "<prefix>ct" holding one veth pair per
// interface (the end with the config's name and its peer "<prefix>c<k>", both up, no addresses),
// runs `keepalived --config-test -f FILE [-i ID]` in it and removes the namespace and the record
// on every path. Nothing touches the host's network namespace. keepalived reads the file, its
// includes and the scripts it names from the host's file system, as it would on the machine.
// Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN): callers skip it otherwise (HasLabCapabilities()).
//
// What keepalived 2.2.7 does with --config-test (keepalived/core/main.c, config_test_exit; lib/
// parser.c, report_config_error): every complaint is one line on stderr ("(Line 9) Unknown keyword
// 'bogus'", "(file: Line 3) WARNING - interface eth1 for vrrp_instance VI_1 doesn't exist"); the
// exit status is 0 without errors, else 4 (cannot run: missing file, interface, fatal), 5 (other
// errors) or 6 (script security) by the class of error it kept, which is the numerically highest
// of lib/parser.h's config_err_t, not the most severe: a missing interface also warns, so it
// exits 5. A missing top-level file only prints "Config files missing '<file>'." and exits 0; a
// binary file loads silently.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace viplab {

struct ConfigTestSpec {
  std::filesystem::path config;  // keepalived.conf (made absolute)
  std::string config_id;         // -i ID (for `@ID` lines); empty: no -i (keepalived: hostname)
  // Interface names the config uses; "lo" and repeats are skipped. An invalid name (empty, over
  // 15 characters, '/', ':' or whitespace) is an InputError.
  std::vector<std::string> interfaces;
  std::filesystem::path keepalived;  // empty: FindLabKeepalived() (VIPLAB_KEEPALIVED honoured)
  std::chrono::milliseconds timeout{10000};
};

struct ConfigTestResult {
  // False when keepalived could not load the file at all: missing, unreadable, a directory or
  // executable (keepalived skips those), or keepalived did not finish (killed, timed out).
  bool loaded = false;
  // keepalived's messages, one per line, in order; empty when it had nothing to say.
  std::vector<std::string> complaints;
  int exit_code = -1;  // keepalived's exit status (see above); -1 when killed or timed out
};

// Throws InputError for a bad interface name, EnvironmentError when keepalived is missing,
// SystemError when the namespace cannot be built.
ConfigTestResult RunConfigTest(const ConfigTestSpec& spec);

}  // namespace viplab
