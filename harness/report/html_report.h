// The HTML report: one self-contained page (inline CSS, inline JS, inline SVG; no network
// fetches) rendered from the JSON report BuildReport emits (see harness/report/report.h and README
// "The JSON report"). It holds a summary table sortable by clicking its headers, failover-latency
// charts per matrix cell, and per scenario a section with an SVG timeline (VRRP state per node,
// adverts, VIP owners with split brain highlighted, client outages, fault and clear markers),
// its steps, failures, the oracle's reasons, checks, log tail and events.
//
// The output is also well-formed XML (polyglot XHTML, no namespaces), so it can be checked with
// an XML parser. Missing or null fields are tolerated (older reports, hand-written JSON). When
// the page has loaded and its script has run, <body> carries data-rendered="1".
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace viplab {

// Scenarios in reports larger than this start collapsed unless they failed.
inline constexpr size_t kHtmlOpenAllUpTo = 20;

std::string RenderHtml(const nlohmann::json& report);

// RenderHtml to `path` (parent directories created). Throws SystemError when it cannot write.
void WriteHtmlReport(const std::filesystem::path& path, const nlohmann::json& report);

}  // namespace viplab
