#pragma once
#include "config/FieldSpec.h"
#include "util/FraError.h"

#include <functional>
#include <nlohmann/json.hpp>
#include <type_traits>

namespace fra {

// One field of a settings struct `Config`, bound to its member.
template <typename Config>
struct Field : FieldSpec {
    std::function<nlohmann::json(const Config&)> get;
    std::function<void(Config&, const nlohmann::json&)> set;  // value already checked
};

struct Range {
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
};

// Binds `key` to the member that `access` returns a reference to.
template <typename Config, typename Access>
Field<Config> makeField(std::string key, Access access, std::string help, Range range = {}, std::vector<std::string> choices = {}) {
    using T = std::remove_reference_t<decltype(access(std::declval<Config&>()))>;
    Field<Config> f;
    f.key = std::move(key);
    if (!choices.empty()) f.type = FieldType::Choice;
    else if constexpr (std::is_same_v<T, bool>) f.type = FieldType::Bool;
    else if constexpr (std::is_same_v<T, std::uint64_t>) f.type = FieldType::UInt64;
    else if constexpr (std::is_integral_v<T>) f.type = FieldType::Int;
    else if constexpr (std::is_floating_point_v<T>) f.type = FieldType::Double;
    else if constexpr (std::is_same_v<T, std::string>) f.type = FieldType::String;
    else f.type = FieldType::DoubleTriple;
    f.help = std::move(help);
    f.min = range.min;
    f.max = range.max;
    f.choices = std::move(choices);
    f.get = [access](const Config& c) { return nlohmann::json(access(const_cast<Config&>(c))); };
    f.set = [access](Config& c, const nlohmann::json& v) { access(c) = v.template get<T>(); };
    return f;
}

// The single description of every field of a settings struct: JSON files, `--set key=value`,
// the frozen copy in a run directory and the GUI's forms all go through it. `Config` also has a
// `std::string preset` (the preset it came from), carried as the key "preset" beside the fields.
template <typename Config>
class Schema {
public:
    virtual ~Schema() = default;

    const std::vector<Field<Config>>& fields() const { return fields_; }
    const Field<Config>* find(const std::string& key) const {
        for (const auto& f : fields_)
            if (f.key == key) return &f;
        return nullptr;
    }

    nlohmann::json toJson(const Config& config) const {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& f : fields_) {
            std::string pointer = "/" + f.key;
            for (auto& ch : pointer)
                if (ch == '.') ch = '/';
            out[nlohmann::json::json_pointer(pointer)] = f.get(config);
        }
        if (!config.preset.empty()) out["preset"] = config.preset;
        return out;
    }

    // Applies a (nested or dotted-key) JSON object on top of `config`. Unknown keys, wrong types
    // and out-of-range values throw FraError naming `source` and the key.
    void apply(Config& config, const nlohmann::json& patch, const std::string& source) const {
        if (!patch.is_object()) throw FraError(source + ": expected a JSON object of settings");
        try {
            applyFlattened(config, patch, "", source);
        } catch (const nlohmann::json::exception& e) {  // e.g. a string that is not UTF-8, met while describing the error
            throw FraError(source + ": " + e.what());
        }
    }

    // "model.arch=resnet18" as given on a command line.
    void applyAssignment(Config& config, const std::string& assignment) const {
        try {
            applyAssignmentUnchecked(config, assignment);
        } catch (const nlohmann::json::exception& e) {  // e.g. a value that is not UTF-8
            throw FraError("--set '" + assignment + "': " + e.what());
        }
    }

private:
    void applyAssignmentUnchecked(Config& config, const std::string& assignment) const {
        const auto eq = assignment.find('=');
        if (eq == std::string::npos || eq == 0)
            throw FraError("--set '" + assignment + "': expected key=value, e.g. model.arch=resnet18");
        const std::string key = assignment.substr(0, eq);
        const Field<Config>* field = find(key);
        if (!field) throw FraError("--set: unknown field '" + key + "'");
        const nlohmann::json value = parseFieldValue(*field, assignment.substr(eq + 1));
        const std::string problem = checkFieldValue(*field, value);
        if (!problem.empty()) throw FraError("--set " + key + ": " + problem);
        field->set(config, value);
    }

public:
    // Every field's own range plus the cross-field rules. Empty when the config can run.
    std::vector<ConfigIssue> validate(const Config& config) const {
        std::vector<ConfigIssue> issues;
        for (const auto& f : fields_) {
            const std::string problem = checkFieldValue(f, f.get(config));
            if (!problem.empty()) issues.push_back({f.key, problem});
        }
        crossFieldIssues(config, issues);
        return issues;
    }

    // Throws FraError listing every issue.
    void requireValid(const Config& config, const std::string& source) const {
        const auto issues = validate(config);
        if (issues.empty()) return;
        std::string message = source + ": ";
        for (std::size_t i = 0; i < issues.size(); ++i)
            message += (i ? "; " : "") + std::string("field '") + issues[i].key + "' " + issues[i].message;
        throw FraError(message);
    }

protected:
    virtual void crossFieldIssues(const Config&, std::vector<ConfigIssue>&) const {}
    std::vector<Field<Config>> fields_;

private:
    void applyFlattened(Config& config, const nlohmann::json& patch, const std::string& prefix, const std::string& source) const {
        for (auto it = patch.begin(); it != patch.end(); ++it) {
            const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
            if (key == "preset") {
                if (!it.value().is_string()) throw FraError(source + ": field 'preset' must be a string");
                config.preset = it.value().template get<std::string>();
                continue;
            }
            const Field<Config>* field = find(key);
            if (!field) {
                if (it.value().is_object()) {
                    applyFlattened(config, it.value(), key, source);
                    continue;
                }
                throw FraError(source + ": unknown field '" + key + "'");
            }
            const std::string problem = checkFieldValue(*field, it.value());
            if (!problem.empty()) throw FraError(source + ": field '" + key + "': " + problem);
            field->set(config, it.value());
        }
    }
};

}  // namespace fra
