// Escaping for text and attribute values in the HTML report (HTML and SVG alike).
#pragma once

#include <string>
#include <string_view>

namespace viplab {

// `text` made safe inside an element or a quoted attribute value: & < > " ' become entities;
// control characters (other than tab, newline, carriage return) and invalid UTF-8 become U+FFFD,
// so the output is valid UTF-8 that also parses as XML.
std::string EscapeHtml(std::string_view text);

// `value` with at most one decimal and no trailing ".0" ("12.5", "-3", "0"), for coordinates.
std::string FormatCoord(double value);

}  // namespace viplab
