#pragma once
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fra {

enum class FieldType { Bool, Int, UInt64, Double, String, Choice, DoubleTriple };

// What a configuration value may be: its type and range, and how it is presented to a person.
// Shared by every settings schema (pre-training, downstream evaluation), by `fra config --fields`
// and by the GUI forms built from them. The presentation (label, group, advanced, reference) is
// filled in from config/FieldPresentation.cpp.
struct FieldSpec {
    std::string key;  // dotted path, e.g. "model.num_regions"
    FieldType type = FieldType::Double;
    std::string help;
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    std::vector<std::string> choices;  // for Choice fields

    std::string label;      // human, sentence case: "Decoder feed-forward width"
    std::string group;      // "Model", "Method and losses", "Schedule", "Data", "Run" (evaluation: "Protocol", ...)
    bool advanced = false;  // rarely changed: folded away in the forms
    std::string reference;  // the paper's and/or the authors' value and its source; empty when there is none
    int order = -1;         // position in the presentation table (groups in their order); -1 = not presented

    // The one help text used everywhere (form tooltip and help line, `fra config --fields`):
    // "<help> [key: model.decoder_feedforward; an integer in [1, 16384]; authors' code: 256 (fra-spec, query decoder)]".
    std::string describe() const;
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
