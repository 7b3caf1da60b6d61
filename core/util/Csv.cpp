#include "util/Csv.h"

namespace fra {

std::string csvField(const std::string& value, char separator) {
    const bool quote = value.find_first_of(std::string("\"\r\n") + separator) != std::string::npos ||
                       (!value.empty() && (value.front() == ' ' || value.back() == ' '));
    if (!quote) return value;
    std::string out = "\"";
    for (const char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

std::string csvRecord(const std::vector<std::string>& fields, char separator) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) out += separator;
        out += csvField(fields[i], separator);
    }
    return out + "\r\n";
}

std::vector<std::string> splitCsvRecord(const std::string& text, char separator, bool& complete) {
    std::vector<std::string> out;
    std::string field;
    bool quoted = false;      // inside a quoted field
    bool wasQuoted = false;   // this field began with a quote
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c != '"') field += c;
            else if (i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;  // "" is a quote
            else quoted = false;
        } else if (c == '"' && field.empty() && !wasQuoted) {
            quoted = wasQuoted = true;
        } else if (c == separator) {
            out.push_back(field);
            field.clear();
            wasQuoted = false;
        } else {
            field += c;  // a quote inside an unquoted field, or text after a closing quote, is kept as it is
        }
    }
    out.push_back(field);
    complete = !quoted;
    return out;
}

}  // namespace fra
