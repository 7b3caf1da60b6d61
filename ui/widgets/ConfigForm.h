#pragma once
#include "config/FieldSpec.h"

#include <QMap>
#include <QWidget>
#include <nlohmann/json.hpp>
#include <vector>

class QLabel;
class QTabWidget;

namespace fraui {

// A form built from a settings schema (the pre-training or the evaluation one): one editor per
// field by type, grouped by the key's first part, with the reason a value is refused shown in
// red next to its field.
class ConfigForm : public QWidget {
    Q_OBJECT
public:
    explicit ConfigForm(std::vector<fra::FieldSpec> fields, QWidget* parent = nullptr);

    void setValues(const nlohmann::json& nestedValues);  // as Schema::toJson writes them
    // The edited values as a JSON object with dotted keys; fields whose text does not parse are left out
    // and reported by parseIssues().
    nlohmann::json values() const;
    std::vector<fra::ConfigIssue> parseIssues() const;
    void showIssues(const std::vector<fra::ConfigIssue>& issues);
    QWidget* editor(const QString& key) const { return editors_.value(key); }
    QString issueText(const QString& key) const;

signals:
    void edited();

private:
    std::vector<fra::FieldSpec> fields_;
    QMap<QString, QWidget*> editors_;
    QMap<QString, QLabel*> issues_;
    QTabWidget* tabs_;
};

}  // namespace fraui
