#pragma once
#include "config/FraConfig.h"
#include "config/Schema.h"

namespace fra {

using ConfigField = Field<FraConfig>;

// Every field of FraConfig (pre-training), with the cross-field rules a run needs.
class ConfigSchema : public Schema<FraConfig> {
public:
    static const ConfigSchema& instance();

protected:
    void crossFieldIssues(const FraConfig& config, std::vector<ConfigIssue>& issues) const override;

private:
    ConfigSchema();
};

}  // namespace fra
