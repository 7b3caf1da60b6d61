#pragma once
#include "config/Schema.h"
#include "downstream/EvalConfig.h"

namespace fra {

class EvalSchema : public Schema<EvalConfig> {
public:
    static const EvalSchema& instance();
    EvalConfig resolvePreset(const std::string& name) const;  // resources/eval-presets/<name>.json

protected:
    void crossFieldIssues(const EvalConfig& config, std::vector<ConfigIssue>& issues) const override;

private:
    EvalSchema();
};

}  // namespace fra
