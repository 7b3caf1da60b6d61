#pragma once
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fra {

enum class FieldType { Bool, Int, UInt64, Double, String, Choice, DoubleTriple };

// What a configuration value may be: its type and range. Shared by every settings schema
// (pre-training, downstream evaluation) and by the GUI forms built from them.
struct FieldSpec {
    std::string key;  // dotted path, e.g. "model.num_regions"
    FieldType type = FieldType::Double;
    std::string help;
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    std::vector<std::string> choices;  // for Choice fields
};

struct ConfigIssue {
    std::string key;
    std::string message;
};

const char* fieldTypeName(FieldType type);
// "an integer in [1, 256]", "one of 'a' 'b'", ...
std::string describeExpected(const FieldSpec& field);
// Empty when `value` is acceptable for `field`, else "expected ..., got ...".
std::string checkFieldValue(const FieldSpec& field, const nlohmann::json& value);
// Text as typed on a command line or in a form -> JSON value of the field's type. Throws FraError.
nlohmann::json parseFieldValue(const FieldSpec& field, const std::string& text);

}  // namespace fra
