// JUnit XML rendered from the JSON report: valid against a JUnit XSD (tests/harness/data/
// junit.xsd, checked with libxml2's xmlSchemaValidateDoc) for an all-pass run, failures, an error
// and awkward characters; counts and attributes checked with XPath; the validator itself shown
// to reject invalid documents; and `viplab report` (--junit, --html) and the --junit options of
// run and matrix on the command line. No root.
#include "harness/report/junit.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <stdlib.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "harness/report/html_report.h"
#include "harness/report/report_schema.h"
#include "tests/common/cli_process.h"
#include "tests/common/lab_env.h"

namespace viplab {
namespace {

using nlohmann::json;
using testing::CliProcess;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::filesystem::path kData = std::filesystem::path(VIPLAB_SOURCE_DIR) / "tests/harness/data";

// The golden report: [0] passed, [1] failed (judged by the oracle), [2] error, [3] sequence,
// [4] inconclusive (a low-confidence oracle prediction checks only owner_before).
json Golden() { return LoadReport(kData / "report-v1.json"); }

// --- libxml2: parse, validate against the XSD, query with XPath ---------------------------------

struct DocFree {
  void operator()(xmlDocPtr doc) const { xmlFreeDoc(doc); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

void Collect(void* errors, xmlErrorPtr error) {
  std::string message = error->message ? error->message : "(no message)";
  while (!message.empty() && message.back() == '\n') message.pop_back();
  static_cast<std::vector<std::string>*>(errors)->push_back(
      fmt::format("line {}: {}", error->line, message));
}

Doc Parse(const std::string& xml, std::vector<std::string>& errors) {
  xmlSetStructuredErrorFunc(&errors, Collect);
  Doc doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "junit.xml", nullptr,
                        XML_PARSE_NONET));
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  return doc;
}

xmlSchemaPtr JunitXsd() {
  static xmlSchemaPtr schema = [] {
    const std::string path = (kData / "junit.xsd").string();
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(path.c_str());
    xmlSchemaPtr parsed = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    return parsed;
  }();
  return schema;
}

// Why `xml` is not a valid JUnit document (not well-formed, or not valid against junit.xsd);
// empty when it is.
std::vector<std::string> XsdErrors(const std::string& xml) {
  std::vector<std::string> errors;
  Doc doc = Parse(xml, errors);
  if (!doc) {
    errors.insert(errors.begin(), "not well-formed");
    return errors;
  }
  if (JunitXsd() == nullptr) return {"junit.xsd did not parse"};
  xmlSchemaValidCtxtPtr validator = xmlSchemaNewValidCtxt(JunitXsd());
  xmlSchemaSetValidStructuredErrors(validator, Collect, &errors);
  const int rc = xmlSchemaValidateDoc(validator, doc.get());
  xmlSchemaFreeValidCtxt(validator);
  if (rc != 0 && errors.empty()) errors.push_back(fmt::format("invalid (code {})", rc));
  return errors;
}

// The value of an XPath expression over `xml`: "count(//failure)", "string(//testcase/@name)".
std::string XPath(const std::string& xml, const std::string& expression) {
  std::vector<std::string> errors;
  Doc doc = Parse(xml, errors);
  if (!doc) return "(not well-formed)";
  xmlXPathContextPtr context = xmlXPathNewContext(doc.get());
  xmlXPathObjectPtr result =
      xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(expression.c_str()), context);
  std::string value = "(bad expression)";
  if (result != nullptr && result->type == XPATH_NUMBER) {
    value = fmt::format("{}", result->floatval);
  } else if (result != nullptr && result->type == XPATH_STRING) {
    value = reinterpret_cast<const char*>(result->stringval);
  } else if (result != nullptr && result->type == XPATH_BOOLEAN) {
    value = result->boolval ? "true" : "false";
  }
  xmlXPathFreeObject(result);
  xmlXPathFreeContext(context);
  return value;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

constexpr const char* kSuite = "/testsuites/testsuite";

std::string Case(const std::string& name, const std::string& rest) {
  return fmt::format("{}/testcase[@name='{}']{}", kSuite, name, rest);
}

// --- Rendering -----------------------------------------------------------------------------------

TEST(JunitXsd, ParsesAndRejectsInvalidDocuments) {
  ASSERT_NE(JunitXsd(), nullptr);
  const std::string valid = RenderJunit(Golden());
  ASSERT_THAT(XsdErrors(valid), IsEmpty());
  // A testcase without its name.
  EXPECT_THAT(XsdErrors(Replace(valid, R"(classname="catalog" name="keepalived-stop")",
                                R"(classname="catalog")")),
              Not(IsEmpty()));
  // A count that is not a number.
  EXPECT_THAT(XsdErrors(Replace(valid, R"(tests="5")", R"(tests="five")")), Not(IsEmpty()));
  // <failure> after <system-out>, and an element JUnit does not have.
  EXPECT_THAT(
      XsdErrors(Replace(valid, "</system-out>", "</system-out><failure message=\"late\"/>")),
      Not(IsEmpty()));
  EXPECT_THAT(XsdErrors(Replace(valid, "<system-out>", "<verdict/><system-out>")), Not(IsEmpty()));
  // A negative time, a testcase as the root, and XML that is not well-formed.
  EXPECT_THAT(XsdErrors(Replace(valid, R"(time="5.123")", R"(time="-5.123")")), Not(IsEmpty()));
  EXPECT_THAT(XsdErrors("<testcase name=\"x\"/>"), Not(IsEmpty()));
  EXPECT_THAT(XsdErrors("<testsuites><testsuite name=\"a & b\" tests=\"0\"/></testsuites>"),
              Not(IsEmpty()));
}

TEST(Junit, AllPassReport) {
  json report = Golden();
  report["scenarios"] = json::array({report["scenarios"][0], report["scenarios"][3]});
  report["passed"] = true;
  const std::string xml = RenderJunit(report);
  EXPECT_THAT(XsdErrors(xml), IsEmpty()) << xml;
  EXPECT_EQ(XPath(xml, "count(/testsuites/testsuite)"), "1");
  EXPECT_EQ(XPath(xml, fmt::format("string({}/@name)", kSuite)), "viplab");
  EXPECT_EQ(XPath(xml, fmt::format("string({}/@tests)", kSuite)), "2");
  EXPECT_EQ(XPath(xml, fmt::format("string({}/@failures)", kSuite)), "0");
  EXPECT_EQ(XPath(xml, fmt::format("string({}/@errors)", kSuite)), "0");
  EXPECT_EQ(XPath(xml, fmt::format("string({}/@time)", kSuite)), "30.123");
  EXPECT_EQ(XPath(xml, fmt::format("string({}/@timestamp)", kSuite)), "2026-11-25T21:34:27");
  EXPECT_EQ(XPath(xml, "string(/testsuites/@tests)"), "2");
  EXPECT_EQ(XPath(xml, fmt::format("string({}/properties/property[@name='jobs']/@value)", kSuite)),
            "2");
  EXPECT_EQ(XPath(xml, "count(//testcase)"), "2");
  EXPECT_EQ(XPath(xml, "count(//failure | //error)"), "0");
  EXPECT_EQ(XPath(xml, "string(" + Case("keepalived-stop", "/@classname") + ")"), "catalog");
  EXPECT_EQ(XPath(xml, "string(//testcase[1]/@time)"), "5.123");
  EXPECT_EQ(XPath(xml, "string(//testcase[1]/@file)"), "cases/catalog/keepalived-stop.json");
  EXPECT_EQ(XPath(xml, "string(//testcase[2]/@classname)"), "failback");
  EXPECT_EQ(XPath(xml, "string(//testcase[2]/@name)"), "preempt-delay");
  // The timeline, and the steps of the sequence.
  const std::string out = XPath(xml, "string(//testcase[1]/system-out)");
  EXPECT_THAT(out, HasSubstr("Events (t_ms from the fault):"));
  EXPECT_THAT(out, HasSubstr("     612.3  lb2      vip_added    10.77.0.200/24"));
  EXPECT_THAT(out, HasSubstr("Measured: owner lb1 -> lb2; failover 612.3 ms"));
  const std::string steps = XPath(xml, "string(//testcase[2]/system-out)");
  EXPECT_THAT(steps, HasSubstr("   3. PASS expect t=1852.8 ms (0.2 ms) owner_after lb2"));
  EXPECT_THAT(steps, HasSubstr("   5. SKIP hold"));
  // Each phase's measurement under the step that started or judged it.
  EXPECT_THAT(steps, HasSubstr("   4. PASS clear  t=1853.0 ms (1.0 ms) SIGCONT to keepalived on "
                               "lb1\n        phase: owner lb2 -> lb1; failover 40.2 ms; outage "
                               "0.0 ms; split brain no, 0.0 ms; handover overlap 12.4 ms; stale "
                               "VIP 0.0 ms\n"));
}

TEST(Junit, FailureCarriesMeasuredVsExpectedAndTheOraclesReasons) {
  const std::string xml = RenderJunit(Golden());
  EXPECT_THAT(XsdErrors(xml), IsEmpty()) << xml;
  EXPECT_EQ(XPath(xml, fmt::format("string({}/@tests)", kSuite)), "5");
  EXPECT_EQ(XPath(xml, fmt::format("string({}/@failures)", kSuite)), "1");
  EXPECT_EQ(XPath(xml, fmt::format("string({}/@errors)", kSuite)), "1");
  EXPECT_EQ(XPath(xml, "count(//failure)"), "1");
  EXPECT_EQ(XPath(xml, "string(" + Case("keepalived-crash", "/@classname") + ")"),
            "nopreempt/script-w2");
  EXPECT_EQ(XPath(xml, "string(" + Case("keepalived-crash", "/failure/@message") + ")"),
            "failover_ms: expected 1294.7..2004.7, measured 2412.1");
  const std::string body = XPath(xml, "string(" + Case("keepalived-crash", "/failure") + ")");
  EXPECT_THAT(body, HasSubstr("Measured vs expected:\n  failover_ms: expected 1294.7..2004.7, "
                              "measured 2412.1\n"));
  EXPECT_THAT(body, HasSubstr("Expected (the oracle's prediction): failover_ms 1294.7..2004.7 ms, "
                              "owner_before lb1, split_brain true\n"));
  EXPECT_THAT(body, HasSubstr("Oracle (high confidence): lb1 -> lb1+lb2; VIP stays; failover "
                              "1299.7..1904.7 ms; release any; split brain yes\n"));
  EXPECT_THAT(body, HasSubstr("Why:\n  1. keepalived's VRRP child and parent on lb1 are "
                              "SIGKILLed"));
  EXPECT_THAT(body, HasSubstr("\n  3. lb1 keeps the VIP"));
  const std::string out = XPath(xml, "string(" + Case("keepalived-crash", "/system-out") + ")");
  EXPECT_THAT(out, HasSubstr("Keepalived log tail:\n  lb1: Keepalived_vrrp[412]: (VI_1) Entering "
                             "MASTER STATE\n"));
  EXPECT_THAT(out, HasSubstr("process_exit keepalived (SIGKILL)"));
  EXPECT_THAT(out, HasSubstr("\nWire capture: viplab-logs/nopreempt_script-w2_keepalived-crash/"
                             "capture.pcap\n"));
}

// Per-VIP expectations (expected.vips) in the failure's "Expected" line.
TEST(Junit, FailureNamesPerVipExpectations) {
  json report = Golden();
  report["scenarios"][1]["expected"]["vips"] = json::array(
      {{{"vip", "10.78.0.201"}, {"owner_after", "lb1"}, {"failover_ms", {{"max", 2000}}}}});
  const std::string xml = RenderJunit(report);
  const std::string body = XPath(xml, "string(" + Case("keepalived-crash", "/failure") + ")");
  EXPECT_THAT(body, HasSubstr("split_brain true, vip 10.78.0.201 (failover_ms <= 2000 ms, "
                              "owner_after lb1)\n"));
}

TEST(Junit, ErrorWhenTheRunCouldNotBeJudged) {
  const std::string xml = RenderJunit(Golden());
  EXPECT_EQ(XPath(xml, "count(//error)"), "1");
  EXPECT_EQ(XPath(xml, "string(" + Case("lone-node", "/@classname") + ")"), "viplab");
  EXPECT_EQ(XPath(xml, "string(" + Case("lone-node", "/error/@message") + ")"),
            "no master was elected within 12304 ms (lb1 BACKUP)");
  EXPECT_EQ(XPath(xml, "count(" + Case("lone-node", "/failure") + ")"), "0");
  EXPECT_THAT(XPath(xml, "string(" + Case("lone-node", "/error") + ")"),
              HasSubstr("Oracle: no prediction"));
  EXPECT_THAT(XPath(xml, "string(" + Case("lone-node", "/system-out") + ")"),
              HasSubstr("Measured: owner none -> none; failover -;"));
}

// Inconclusive: skipped with the reason, counted as skipped (not as passed, failed or errored).
TEST(Junit, InconclusiveIsSkippedWithTheReason) {
  const std::string xml = RenderJunit(Golden());
  EXPECT_THAT(XsdErrors(xml), IsEmpty()) << xml;
  EXPECT_EQ(XPath(xml, fmt::format("string({}/@skipped)", kSuite)), "1");
  EXPECT_EQ(XPath(xml, "string(/testsuites/@skipped)"), "1");
  EXPECT_EQ(XPath(xml, "count(//skipped)"), "1");
  EXPECT_EQ(XPath(xml, "string(" + Case("node-crash", "/skipped/@message") + ")"),
            "inconclusive: the oracle's prediction has low confidence, so only owner_before (the "
            "initial election) was checked, not what the fault did");
  EXPECT_EQ(
      XPath(xml, "count(" + Case("node-crash", "/failure | ") + Case("node-crash", "/error") + ")"),
      "0");
  EXPECT_THAT(XPath(xml, "string(" + Case("node-crash", "/system-out") + ")"),
              HasSubstr("outage 1710.0 ms (total 1730.0 ms); dual owner 0.0 ms (split brain 0.0 "
                        "ms, handover overlap 0.0 ms; tolerance 40.0 ms); stale VIP 4100.0 ms"));
  // Reports from before `verdict` existed have no inconclusive runs.
  json old = Golden();
  for (json& scenario : old["scenarios"]) scenario.erase("verdict");
  EXPECT_EQ(XPath(RenderJunit(old), "count(//skipped)"), "0");
}

TEST(Junit, AwkwardCharactersAreEscapedOrReplaced) {
  json report = Golden();
  json& s = report["scenarios"][1];
  s["name"] = "grp <a&b> \"q\"/na\u00efve 'x' \u2192\u65e5\u672c\x01\x1b[0m";
  s["file"] = "cases/<&>.json";
  s["failures"] = json::array({"owner_after: expected <lb2> & \"lb3\", measured ]]> lb1"});
  s["error"] = nullptr;
  s["log_tail"] = json::array({std::string("lb1: bell\x07 tab\there del\x7f nul") + '\0' + "end",
                               "lb1: bad utf-8 \xff\xfe and U+FFFE \xef\xbf\xbe done"});
  s["prediction"]["reasons"][0] = "if priority < 100 && state == \"MASTER\" then ...";
  const std::string xml = RenderJunit(report);
  EXPECT_THAT(XsdErrors(xml), IsEmpty()) << xml;
  for (const char c : xml) {
    const auto byte = static_cast<unsigned char>(c);
    EXPECT_TRUE(byte >= 0x20 || c == '\n' || c == '\t' || c == '\r') << static_cast<int>(byte);
  }
  // Attributes come back exactly, control characters as visible escapes.
  EXPECT_EQ(XPath(xml, "string(//testcase[2]/@classname)"), "grp <a&b> \"q\"");
  EXPECT_EQ(XPath(xml, "string(//testcase[2]/@name)"),
            "na\u00efve 'x' \u2192\u65e5\u672c\\x01\\x1b[0m");
  EXPECT_EQ(XPath(xml, "string(//testcase[2]/@file)"), "cases/<&>.json");
  EXPECT_EQ(XPath(xml, "string(//testcase[2]/failure/@message)"),
            "owner_after: expected <lb2> & \"lb3\", measured ]]> lb1");
  EXPECT_THAT(XPath(xml, "string(//testcase[2]/failure)"),
              HasSubstr("1. if priority < 100 && state == \"MASTER\" then ..."));
  const std::string out = XPath(xml, "string(//testcase[2]/system-out)");
  EXPECT_THAT(out, HasSubstr("lb1: bell\\x07 tab\there del\x7f nul\\x00end\n"));
  EXPECT_THAT(out, HasSubstr("bad utf-8 \xef\xbf\xbd\xef\xbf\xbd and U+FFFE \xef\xbf\xbd done"));
}

// The golden report and the reports of real runs kept beside it (some from older builds, without
// the keys added since) all render to valid JUnit with one testcase per scenario.
TEST(Junit, EverySampleReportRendersValidJunit) {
  for (const auto& entry : std::filesystem::directory_iterator(kData)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("report-", 0) != 0 || entry.path().extension() != ".json") continue;
    const json report = LoadReport(entry.path());
    const std::string xml = RenderJunit(report);
    EXPECT_THAT(XsdErrors(xml), IsEmpty()) << name;
    EXPECT_EQ(XPath(xml, "count(//testcase)"), std::to_string(report["scenarios"].size())) << name;
  }
}

TEST(Junit, ScenarioFailedWithoutListedFailures) {
  json report = Golden();
  report["scenarios"][1]["failures"] = json::array();
  const std::string xml = RenderJunit(report);
  EXPECT_THAT(XsdErrors(xml), IsEmpty());
  EXPECT_EQ(XPath(xml, "string(//testcase[2]/failure/@message)"), "scenario failed");
}

TEST(Junit, EmptyRunIsStillValid) {
  json report = Golden();
  report["scenarios"] = json::array();
  const std::string xml = RenderJunit(report);
  EXPECT_THAT(XsdErrors(xml), IsEmpty()) << xml;
  EXPECT_EQ(XPath(xml, fmt::format("string({}/@tests)", kSuite)), "0");
}

TEST(Junit, WriteJunitCreatesDirectories) {
  const testing::ScratchDir dir("viplab-junit");
  const auto file = dir / "ci" / "junit.xml";
  WriteJunit(file, Golden());
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), RenderJunit(Golden()));
}

// --- `viplab report` and --junit on the command line ---------------------------------------------

class ReportCli : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  static std::string Read(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  testing::ScratchDir dir_{"viplab-report-cli"};
};

TEST_F(ReportCli, WritesJunitFromASavedReport) {
  const std::string out = (dir_ / "out" / "junit.xml").string();
  CliProcess cli({"report", (kData / "report-v1.json").string(), "--junit", out});
  EXPECT_EQ(cli.Wait(), 0) << cli.output();
  EXPECT_EQ(Read(out), RenderJunit(Golden()));
}

TEST_F(ReportCli, WritesHtmlAndJunitTogether) {
  const std::string html = (dir_ / "report.html").string();
  const std::string xml = (dir_ / "junit.xml").string();
  CliProcess cli({"report", (kData / "report-v1.json").string(), "--html", html, "--junit", xml});
  EXPECT_EQ(cli.Wait(), 0) << cli.output();
  EXPECT_EQ(Read(html), RenderHtml(Golden()));
  EXPECT_EQ(Read(xml), RenderJunit(Golden()));
}

TEST_F(ReportCli, JunitToStdout) {
  CliProcess cli({"report", (kData / "report-v1.json").string(), "--junit", "-"});
  EXPECT_EQ(cli.Wait(), 0);
  EXPECT_EQ(cli.output(), RenderJunit(Golden()));
}

TEST_F(ReportCli, BadInputExitsTwo) {
  const std::string out = (dir_ / "junit.xml").string();
  {
    CliProcess cli({"report", (dir_ / "none.json").string(), "--junit", out});
    EXPECT_EQ(cli.Wait(), 2);
    EXPECT_THAT(cli.output(), HasSubstr("none.json: no such file"));
  }
  {
    CliProcess cli({"report", Write("bad.json", "{\"schema_version\": 1,"), "--junit", out});
    EXPECT_EQ(cli.Wait(), 2);
    EXPECT_THAT(cli.output(), HasSubstr("bad.json:1:22: malformed JSON"));
  }
  {
    json report = Golden();
    report["schema_version"] = 2;
    CliProcess cli({"report", Write("v2.json", report.dump()), "--junit", out});
    EXPECT_EQ(cli.Wait(), 2);
    EXPECT_THAT(cli.output(), HasSubstr("v2.json: schema_version 2 is not supported"));
  }
  {
    CliProcess cli({"report", (kData / "report-v1.json").string()});
    EXPECT_EQ(cli.Wait(), 2);
    EXPECT_THAT(cli.output(), HasSubstr("nothing to write"));
  }
  {
    CliProcess cli({"report", (kData / "report-v1.json").string(), "--html", "-", "--junit", "-"});
    EXPECT_EQ(cli.Wait(), 2);
    EXPECT_THAT(cli.output(), HasSubstr("only one of --html and --junit"));
  }
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(ReportCli, APartialReportIsRenderedAndSaidToBePartial) {
  json report = Golden();
  report["partial"] = true;
  report["scenarios_planned"] = 189;
  const std::string input = Write("partial.json", report.dump());
  const std::string html = (dir_ / "partial.html").string();
  const std::string xml = (dir_ / "partial.xml").string();
  CliProcess cli({"report", input, "--html", html, "--junit", xml});
  EXPECT_EQ(cli.Wait(), 0) << cli.output();
  const std::string planned = std::to_string(report["scenarios"].size()) + " of 189";
  EXPECT_THAT(cli.output(), HasSubstr("is a partial report: " + planned + " scenarios finished"));
  EXPECT_THAT(Read(html), HasSubstr("PARTIAL: " + planned + " scenarios finished"));
  EXPECT_THAT(Read(xml), HasSubstr(R"(<property name="partial" value="true"/>)"));
  EXPECT_THAT(Read(xml), HasSubstr(R"(<property name="scenarios_planned" value="189"/>)"));
  EXPECT_TRUE(XsdErrors(Read(xml)).empty());
}

TEST_F(ReportCli, RunAndMatrixOfferJunit) {
  for (const char* command : {"run", "matrix"}) {
    CliProcess cli({command, "--help"});
    EXPECT_EQ(cli.Wait(), 0);
    EXPECT_THAT(cli.output(), HasSubstr("--junit")) << command;
  }
}

TEST_F(ReportCli, RunAndMatrixOfferStrictAndSplitBrainTolerance) {
  for (const char* command : {"run", "matrix"}) {
    CliProcess cli({command, "--help"});
    EXPECT_EQ(cli.Wait(), 0);
    EXPECT_THAT(cli.output(), HasSubstr("--strict")) << command;
    EXPECT_THAT(cli.output(), HasSubstr("--split-brain-tolerance")) << command;
  }
  CliProcess bad({"run", "cases/issue-2599", "--split-brain-tolerance", "-5"});
  EXPECT_EQ(bad.Wait(), 2);
  EXPECT_THAT(bad.output(), HasSubstr("--split-brain-tolerance"));
}

}  // namespace
}  // namespace viplab
