#pragma once
#include "config/FraConfig.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace fra {

enum class FieldType { Bool, Int, UInt64, Double, String, Choice, DoubleTriple };

struct ConfigField {
    std::string key;                       // dotted path, e.g. "model.num_regions"
    FieldType type = FieldType::Double;
    std::string help;
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    std::vector<std::string> choices;      // for Choice fields
    std::function<nlohmann::json(const FraConfig&)> get;
    std::function<void(FraConfig&, const nlohmann::json&)> set;  // value already checked
};

struct ConfigIssue {
    std::string key;
    std::string message;
};

// The single description of every configuration field: JSON files, `--set key=value`, the
// frozen run config and the GUI's run form all go through it, so they cannot disagree.
class ConfigSchema {
public:
    static const ConfigSchema& instance();

    const std::vector<ConfigField>& fields() const { return fields_; }
    const ConfigField* find(const std::string& key) const;

    nlohmann::json toJson(const FraConfig& config) const;

    // Applies a (nested or dotted-key) JSON object on top of `config`. Unknown keys, wrong types
    // and out-of-range values throw FraError naming `source` and the key.
    void apply(FraConfig& config, const nlohmann::json& patch, const std::string& source) const;

    // "model.arch=resnet18" as given on a command line.
    void applyAssignment(FraConfig& config, const std::string& assignment) const;

    // Checks one value for one field; returns an empty string when it is acceptable.
    std::string checkValue(const ConfigField& field, const nlohmann::json& value) const;
    nlohmann::json parseValue(const ConfigField& field, const std::string& text) const;

    // Cross-field consistency (ranges that depend on each other). Empty when the config can run.
    std::vector<ConfigIssue> validate(const FraConfig& config) const;
    // Throws FraError listing every issue.
    void requireValid(const FraConfig& config, const std::string& source) const;

private:
    ConfigSchema();
    void applyFlattened(FraConfig& config, const nlohmann::json& patch, const std::string& prefix,
                        const std::string& source) const;
    std::vector<ConfigField> fields_;
};

}  // namespace fra
