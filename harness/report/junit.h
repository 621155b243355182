// JUnit XML for CI (Jenkins, GitLab, GitHub test reporters), rendered from the JSON report — a
// report built in memory by BuildReport or one read back by LoadReport — never from in-memory
// results, so `viplab report RUN.json --junit OUT` reproduces exactly what the run wrote.
//
// Layout: <testsuites> holding one <testsuite name="viplab"> per run (tests, failures, errors,
// skipped="0", time in seconds, timestamp = started_at without the zone, still UTC), with the
// run's version, schema_version, started_at and jobs as <properties>; one <testcase> per scenario:
//   classname  the scenario name before its last '/' ("viplab" when it has none), name the rest;
//   time       the scenario's wall_ms / 1000; file the scenario's file;
//   <error>    when `error` is set (the run could not be judged, e.g. the lab never converged):
//              message = the error;
//   <failure>  when it was judged and failed: message = the report's `failures` joined by "; "
//              (measured vs expected); the body lists them again, then what was judged and the
//              oracle's prediction with its reasons;
//   <system-out> always: measured outcome, sequence steps, the event timeline and, for failed
//              scenarios, the keepalived log tail; the wire capture's path when one was kept.
// Text that XML 1.0 cannot carry is replaced: control characters other than tab, newline and
// carriage return become "\xNN", invalid UTF-8 becomes U+FFFD. Escaping is libxml2's
// (xmlTextWriter).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace viplab {

// `report` is expected to follow docs/report-schema.json (CheckReport); missing or mistyped
// fields render as empty or zero rather than throwing. Throws std::runtime_error only when
// libxml2 itself fails.
std::string RenderJunit(const nlohmann::json& report);

// Writes RenderJunit(report) to `path`, creating parent directories. Throws SystemError.
void WriteJunit(const std::filesystem::path& path, const nlohmann::json& report);

}  // namespace viplab
