#pragma once
#include "config/Schema.h"
#include "downstream/EvalConfig.h"

namespace fra {

class EvalSchema : public Schema<EvalConfig> {
public:
    static const EvalSchema& instance();
    nlohmann::json toJson(const EvalConfig& config) const;  // fields plus "preset"
    EvalConfig resolvePreset(const std::string& name) const;  // resources/eval-presets/<name>.json

protected:
    void crossFieldIssues(const EvalConfig& config, std::vector<ConfigIssue>& issues) const override;
    bool applyExtra(EvalConfig& config, const std::string& key, const nlohmann::json& value, const std::string& source) const override;

private:
    EvalSchema();
};

}  // namespace fra
