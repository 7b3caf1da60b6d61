#pragma once
#include <string>
#include <vector>

namespace fra {

// CSV as RFC 4180 defines it (and Python's csv module and pandas write it): fields that hold the
// separator, a quote, a line break or surrounding spaces are quoted, a quote inside doubled;
// records end with CRLF.
std::string csvField(const std::string& value, char separator = ',');
std::string csvRecord(const std::vector<std::string>& fields, char separator = ',');

// Splits one record. `complete` is false when a quoted field is still open at the end of `text`:
// the record goes on in the next line (its line break is part of the field).
std::vector<std::string> splitCsvRecord(const std::string& text, char separator, bool& complete);

}  // namespace fra
