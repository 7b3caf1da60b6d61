#include "config/FieldSpec.h"

#include "util/FraError.h"

#include <cmath>
#include <sstream>

using nlohmann::json;

namespace fra {
namespace {

std::string describeRange(const FieldSpec& f) {
    std::ostringstream s;
    if (std::isfinite(f.min) && std::isfinite(f.max)) s << " in [" << f.min << ", " << f.max << "]";
    else if (std::isfinite(f.min)) s << " >= " << f.min;
    else if (std::isfinite(f.max)) s << " <= " << f.max;
    return s.str();
}

bool inRange(const FieldSpec& f, double v) { return std::isfinite(v) && v >= f.min && v <= f.max; }

}  // namespace

const char* fieldTypeName(FieldType t) {
    switch (t) {
    case FieldType::Bool: return "bool";
    case FieldType::Int: return "int";
    case FieldType::UInt64: return "uint";
    case FieldType::Double: return "number";
    case FieldType::String: return "string";
    case FieldType::Choice: return "choice";
    case FieldType::DoubleTriple: return "3 numbers";
    }
    return "";
}

std::string describeExpected(const FieldSpec& f) {
    switch (f.type) {
    case FieldType::Bool: return "true or false";
    case FieldType::Int: return "an integer" + describeRange(f);
    case FieldType::UInt64: return "a non-negative integer";
    case FieldType::Double: return "a number" + describeRange(f);
    case FieldType::String: return "a string";
    case FieldType::Choice: {
        std::string s = "one of";
        for (const auto& c : f.choices) s += " '" + c + "'";
        return s;
    }
    case FieldType::DoubleTriple: return "a list of 3 numbers" + describeRange(f);
    }
    return "a value";
}

std::string FieldSpec::describe() const {
    std::string text = help + " [key: " + key + "; " + describeExpected(*this);
    if (!reference.empty()) text += "; " + reference;
    return text + "]";
}

std::string checkFieldValue(const FieldSpec& f, const json& v) {
    const std::string expected = "expected " + describeExpected(f) + ", got " + v.dump();
    switch (f.type) {
    case FieldType::Bool:
        return v.is_boolean() ? "" : expected;
    case FieldType::Int:
        if (!v.is_number_integer()) return expected;
        return inRange(f, v.get<double>()) ? "" : expected;
    case FieldType::UInt64:
        return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0) ? "" : expected;
    case FieldType::Double:
        if (!v.is_number()) return expected;
        return inRange(f, v.get<double>()) ? "" : expected;
    case FieldType::String:
        return v.is_string() ? "" : expected;
    case FieldType::Choice:
        if (!v.is_string()) return expected;
        for (const auto& c : f.choices)
            if (c == v.get<std::string>()) return "";
        return expected;
    case FieldType::DoubleTriple:
        if (!v.is_array() || v.size() != 3) return expected;
        for (const auto& x : v)
            if (!x.is_number() || !inRange(f, x.get<double>())) return expected;
        return "";
    }
    return expected;
}

json parseFieldValue(const FieldSpec& f, const std::string& text) {
    auto fail = [&]() -> json {
        throw FraError("--set " + f.key + ": expected " + describeExpected(f) + ", got '" + text + "'");
    };
    auto number = [&](const std::string& s) {
        std::size_t used = 0;
        double d = 0;
        try {
            d = std::stod(s, &used);
        } catch (const std::exception&) {
            fail();
        }
        if (used != s.size()) fail();
        return d;
    };
    switch (f.type) {
    case FieldType::Bool:
        if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
        if (text == "false" || text == "0" || text == "no" || text == "off") return false;
        return fail();
    case FieldType::Int:
    case FieldType::UInt64: {
        std::size_t used = 0;
        long long n = 0;
        try {
            n = std::stoll(text, &used);
        } catch (const std::exception&) {
            fail();
        }
        if (used != text.size()) fail();
        if (f.type == FieldType::UInt64) {
            if (n < 0) fail();
            return static_cast<std::uint64_t>(n);
        }
        return n;
    }
    case FieldType::Double:
        return number(text);
    case FieldType::String:
    case FieldType::Choice:
        return text;
    case FieldType::DoubleTriple: {
        json arr = json::array();
        std::stringstream ss(text);
        std::string part;
        while (std::getline(ss, part, ',')) arr.push_back(number(part));
        return arr;
    }
    }
    return fail();
}

}  // namespace fra
