#pragma once
#include "config/FieldSpec.h"

#include <string>
#include <vector>

namespace fra {

// How a settings field is shown to a person: a human label, the group a researcher looks for it
// in, whether it is rarely changed ("advanced", folded away in the forms) and the paper's and/or
// the authors' value with its source. One table for the pre-training settings (ConfigSchema), one
// for the evaluation settings (EvalSchema); each lists its fields group by group, the most used
// first, and that order is the forms' and `fra config --fields`' order.
struct FieldPresentation {
    const char* key;
    const char* label;
    const char* group;
    bool advanced;
    const char* reference;  // "" when neither the paper nor the authors give a value
};

const std::vector<FieldPresentation>& trainingPresentation();
const std::vector<FieldPresentation>& evaluationPresentation();
// The groups of each table, in their order.
const std::vector<std::string>& trainingGroups();    // Model, Method and losses, Schedule, Data, Run
const std::vector<std::string>& evaluationGroups();  // Protocol, Schedule, Data, Model, Run

// Fills label, group, advanced, reference and order of `field` from `table`. False (and the field
// left as it was) when the table has no entry for its key; the schema tests catch that.
bool presentField(FieldSpec& field, const std::vector<FieldPresentation>& table);

template <typename FieldList>
void presentFields(FieldList& fields, const std::vector<FieldPresentation>& table) {
    for (auto& f : fields) presentField(f, table);
}

}  // namespace fra
