#include "widgets/ConfigForm.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QTabWidget>
#include <QVBoxLayout>

using nlohmann::json;

namespace fraui {

namespace {
json lookup(const json& nested, const std::string& key) {
    std::string pointer = "/" + key;
    for (auto& c : pointer)
        if (c == '.') c = '/';
    const json::json_pointer p(pointer);
    return nested.contains(p) ? nested.at(p) : json();
}

QString textOf(const json& v) {
    if (v.is_string()) return QString::fromStdString(v.get<std::string>());
    if (v.is_array()) {
        QStringList parts;
        for (const auto& x : v) parts << QString::fromStdString(x.dump());
        return parts.join(",");
    }
    return v.is_null() ? QString() : QString::fromStdString(v.dump());
}
}  // namespace

ConfigForm::ConfigForm(std::vector<fra::FieldSpec> fields, QWidget* parent) : QWidget(parent), fields_(std::move(fields)), tabs_(new QTabWidget) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(tabs_);
    QMap<QString, QFormLayout*> groups;
    for (const auto& f : fields_) {
        const QString key = QString::fromStdString(f.key);
        const QString group = key.contains('.') ? key.section('.', 0, 0) : "settings";
        if (!groups.contains(group)) {
            auto* page = new QWidget;
            auto* form = new QFormLayout(page);
            form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            auto* scroll = new QScrollArea;
            scroll->setWidget(page);
            scroll->setWidgetResizable(true);
            tabs_->addTab(scroll, group);
            groups[group] = form;
        }
        QWidget* editor = nullptr;
        if (f.type == fra::FieldType::Bool) {
            auto* box = new QCheckBox;
            connect(box, &QCheckBox::toggled, this, &ConfigForm::edited);
            editor = box;
        } else if (f.type == fra::FieldType::Choice) {
            auto* combo = new QComboBox;
            for (const auto& c : f.choices) combo->addItem(QString::fromStdString(c));
            connect(combo, qOverload<int>(&QComboBox::currentIndexChanged), this, &ConfigForm::edited);
            editor = combo;
        } else {
            auto* line = new QLineEdit;
            connect(line, &QLineEdit::textEdited, this, &ConfigForm::edited);
            editor = line;
        }
        editor->setObjectName(key);
        editor->setToolTip(QString::fromStdString(f.help + " — " + fra::describeExpected(f)));
        auto* issue = new QLabel;
        issue->setObjectName(key + ".issue");
        issue->setStyleSheet("color: #c0392b;");
        issue->setWordWrap(true);
        auto* row = new QWidget;
        auto* rowLayout = new QHBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        rowLayout->addWidget(editor, 1);
        rowLayout->addWidget(issue, 1);
        groups[group]->addRow(key.contains('.') ? key.section('.', 1) : key, row);
        editors_[key] = editor;
        issues_[key] = issue;
    }
}

void ConfigForm::setValues(const json& nested) {
    for (const auto& f : fields_) {
        QWidget* e = editors_.value(QString::fromStdString(f.key));
        const json v = lookup(nested, f.key);
        QSignalBlocker block(e);
        if (auto* box = qobject_cast<QCheckBox*>(e)) box->setChecked(v.is_boolean() && v.get<bool>());
        else if (auto* combo = qobject_cast<QComboBox*>(e)) combo->setCurrentText(textOf(v));
        else if (auto* line = qobject_cast<QLineEdit*>(e)) line->setText(textOf(v));
    }
}

json ConfigForm::values() const {
    json out = json::object();
    for (const auto& f : fields_) {
        QWidget* e = editors_.value(QString::fromStdString(f.key));
        json v;
        if (auto* box = qobject_cast<QCheckBox*>(e)) v = box->isChecked();
        else if (auto* combo = qobject_cast<QComboBox*>(e)) v = combo->currentText().toStdString();
        else if (auto* line = qobject_cast<QLineEdit*>(e)) {
            try {
                v = fra::parseFieldValue(f, line->text().trimmed().toStdString());
            } catch (const std::exception&) {
                continue;  // reported by parseIssues()
            }
        }
        out[f.key] = v;
    }
    return out;
}

std::vector<fra::ConfigIssue> ConfigForm::parseIssues() const {
    std::vector<fra::ConfigIssue> issues;
    for (const auto& f : fields_) {
        auto* line = qobject_cast<QLineEdit*>(editors_.value(QString::fromStdString(f.key)));
        if (!line) continue;
        try {
            const json v = fra::parseFieldValue(f, line->text().trimmed().toStdString());
            const std::string problem = fra::checkFieldValue(f, v);
            if (!problem.empty()) issues.push_back({f.key, problem});
        } catch (const std::exception&) {
            issues.push_back({f.key, "expected " + fra::describeExpected(f)});
        }
    }
    return issues;
}

void ConfigForm::showIssues(const std::vector<fra::ConfigIssue>& issues) {
    for (auto* label : issues_) label->clear();
    for (const auto& issue : issues) {
        QLabel* label = issues_.value(QString::fromStdString(issue.key));
        if (label && label->text().isEmpty()) label->setText(QString::fromStdString(issue.message));
    }
}

QString ConfigForm::issueText(const QString& key) const {
    const QLabel* label = issues_.value(key);
    return label ? label->text() : QString();
}

}  // namespace fraui
