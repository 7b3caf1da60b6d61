#pragma once
#include "config/FieldSpec.h"

#include <QMap>
#include <QWidget>
#include <nlohmann/json.hpp>
#include <vector>

class QLabel;
class QTabWidget;
class QToolButton;

namespace fraui {

// A form built from a settings schema (the pre-training or the evaluation one): one editor per
// field by type, labelled with the field's human label, one tab per group (in the presentation
// table's order: Model, Method and losses, Schedule, Data, Run for pre-training) with the rarely
// changed fields folded under "Advanced". The field's help (FieldSpec::describe(): meaning, key,
// range, the paper's or authors' value) is its tooltip and is shown in a help line under the form
// for the focused or hovered field. The reason a value is refused is shown in red next to its field.
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
    // The editor of `key` (QLineEdit, QComboBox or QCheckBox), also when folded under "Advanced".
    QWidget* editor(const QString& key) const { return editors_.value(key); }
    QString issueText(const QString& key) const;
    QLabel* rowLabel(const QString& key) const { return labels_.value(key); }
    // Shows `key`'s help in the help line (what focusing or hovering its row does).
    void showHelp(const QString& key);

signals:
    void edited();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Group {
        int tab = -1;
        QString name;
        QToolButton* advancedToggle = nullptr;
        QWidget* advancedSection = nullptr;
        int advancedCount = 0;
    };
    void updateIssueMarks();
    QString focusedKey() const;

    std::vector<fra::FieldSpec> fields_;
    QMap<QString, QWidget*> editors_;
    QMap<QString, QLabel*> issues_;
    QMap<QString, QLabel*> labels_;
    QMap<QString, QString> help_;           // key -> describe()
    QMap<QString, int> groupOf_;            // key -> index in groups_
    QMap<QString, bool> advanced_;          // key -> folded under "Advanced"
    QMap<const QObject*, QString> helpFor_; // label, row and editor -> key
    std::vector<Group> groups_;
    QTabWidget* tabs_;
    QLabel* helpLine_;
};

}  // namespace fraui
