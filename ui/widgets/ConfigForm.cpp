#include "widgets/ConfigForm.h"

#include "util/Theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

using nlohmann::json;

namespace fraui {

namespace {
const char* const kHelpHint = QT_TRANSLATE_NOOP("fraui::ConfigForm", "Point at or click a setting to see what it means, its key, its range and the paper's or the authors' value.");

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

ConfigForm::ConfigForm(std::vector<fra::FieldSpec> fields, QWidget* parent)
    : QWidget(parent), fields_(std::move(fields)), tabs_(new QTabWidget), helpLine_(new QLabel) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(tabs_, 1);
    helpLine_->setObjectName("fieldHelp");
    helpLine_->setWordWrap(true);
    helpLine_->setTextFormat(Qt::PlainText);
    helpLine_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    helpLine_->setMinimumHeight(helpLine_->fontMetrics().lineSpacing() * 3);
    helpLine_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    helpLine_->setText(tr(kHelpHint));
    tabs_->setAccessibleName(tr("Settings groups"));
    layout->addWidget(helpLine_);

    // The presentation table's order: group by group, the most used first; unpresented fields last.
    std::vector<std::size_t> order(fields_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
        return static_cast<unsigned>(fields_[a].order) < static_cast<unsigned>(fields_[b].order);
    });

    QMap<QString, int> groupIndex;
    std::vector<QFormLayout*> mainForms, advancedForms;
    for (const std::size_t i : order) {
        const auto& f = fields_[i];
        const QString key = QString::fromStdString(f.key);
        const QString groupId = !f.group.empty() ? QString::fromStdString(f.group)
                                : key.contains('.')  ? key.section('.', 0, 0)
                                                     : QString("Settings");
        const QString groupName = f.group.empty() && !key.contains('.') ? tr("Settings") : groupId;
        if (!groupIndex.contains(groupId)) {
            auto* page = new QWidget;
            auto* pageLayout = new QVBoxLayout(page);
            auto* form = new QFormLayout;
            form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            pageLayout->addLayout(form);
            auto* toggle = new QToolButton;
            toggle->setObjectName("advancedToggle:" + groupId);
            toggle->setCheckable(true);
            toggle->setChecked(false);
            toggle->setAutoRaise(true);
            toggle->setArrowType(Qt::RightArrow);
            toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
            toggle->setToolTip(tr("The settings of %1 that are rarely changed").arg(groupName));
            toggle->setAccessibleName(tr("Advanced settings of %1").arg(groupName));
            auto* section = new QWidget;
            section->setObjectName("advancedFields:" + groupId);
            auto* advancedForm = new QFormLayout(section);
            advancedForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            advancedForm->setContentsMargins(12, 0, 0, 0);
            section->setVisible(false);
            connect(toggle, &QToolButton::toggled, this, [toggle, section](bool open) {
                section->setVisible(open);
                toggle->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
            });
            pageLayout->addWidget(toggle, 0, Qt::AlignLeft);
            pageLayout->addWidget(section);
            pageLayout->addStretch(1);
            auto* scroll = new QScrollArea;
            scroll->setWidget(page);
            scroll->setWidgetResizable(true);
            Group group;
            group.name = groupName;
            group.tab = tabs_->addTab(scroll, groupName);
            group.advancedToggle = toggle;
            group.advancedSection = section;
            groupIndex[groupId] = static_cast<int>(groups_.size());
            groups_.push_back(group);
            mainForms.push_back(form);
            advancedForms.push_back(advancedForm);
        }
        const int g = groupIndex.value(groupId);

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
        const QString help = QString::fromStdString(f.describe());
        const QString tooltip = "<p>" + help.toHtmlEscaped() + "</p>";  // rich text: Qt wraps it
        const QString labelText = f.label.empty() ? key : QString::fromStdString(f.label);
        editor->setObjectName(key);
        editor->setToolTip(tooltip);
        editor->setAccessibleName(labelText);
        editor->setAccessibleDescription(help);
        auto* issue = new QLabel;
        issue->setObjectName(key + ".issue");
        showAsError(issue, true);
        issue->setWordWrap(true);
        auto* row = new QWidget;
        auto* rowLayout = new QHBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        rowLayout->addWidget(editor, 1);
        rowLayout->addWidget(issue, 1);
        auto* label = new QLabel(labelText);
        label->setObjectName(key + ".label");
        label->setBuddy(editor);
        label->setToolTip(tooltip);
        const bool folded = f.advanced;
        (folded ? advancedForms : mainForms)[g]->addRow(label, row);
        if (folded) ++groups_[g].advancedCount;

        for (QObject* watched : {static_cast<QObject*>(label), static_cast<QObject*>(row), static_cast<QObject*>(editor)}) {
            helpFor_[watched] = key;
            watched->installEventFilter(this);
        }
        editors_[key] = editor;
        issues_[key] = issue;
        labels_[key] = label;
        help_[key] = help;
        groupOf_[key] = g;
        advanced_[key] = folded;
    }
    for (auto& group : groups_) {
        group.advancedToggle->setVisible(group.advancedCount > 0);
        group.advancedSection->setVisible(false);
    }
    updateIssueMarks();
}

void ConfigForm::showHelp(const QString& key) {
    const auto it = help_.constFind(key);
    helpLine_->setText(it != help_.constEnd() ? *it : tr(kHelpHint));
}

QString ConfigForm::focusedKey() const {
    for (auto it = editors_.constBegin(); it != editors_.constEnd(); ++it)
        if (it.value()->hasFocus()) return it.key();
    return {};
}

bool ConfigForm::eventFilter(QObject* watched, QEvent* event) {
    switch (event->type()) {
    case QEvent::FocusIn:
    case QEvent::Enter: {
        const auto it = helpFor_.constFind(watched);
        if (it != helpFor_.constEnd()) showHelp(*it);
        break;
    }
    case QEvent::Leave:
        if (helpFor_.contains(watched)) showHelp(focusedKey());  // back to the focused field's, or the hint
        break;
    default:
        break;
    }
    return QWidget::eventFilter(watched, event);
}

void ConfigForm::updateIssueMarks() {
    std::vector<int> refused(groups_.size(), 0), refusedFolded(groups_.size(), 0);
    for (auto it = issues_.constBegin(); it != issues_.constEnd(); ++it) {
        if (it.value()->text().isEmpty()) continue;
        const int g = groupOf_.value(it.key());
        ++refused[g];
        if (advanced_.value(it.key())) ++refusedFolded[g];
    }
    for (std::size_t g = 0; g < groups_.size(); ++g) {
        Group& group = groups_[g];
        tabs_->setTabText(group.tab, refused[g] ? tr("%1 (!)", "a settings group with refused values").arg(group.name) : group.name);
        group.advancedToggle->setText(refusedFolded[g] ? tr("Advanced (%1): %2 refused").arg(group.advancedCount).arg(refusedFolded[g])
                                                       : tr("Advanced (%1)").arg(group.advancedCount));
        showAsError(group.advancedToggle, refusedFolded[g] > 0);
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
            issues.push_back({f.key, tr("expected %1").arg(QString::fromStdString(fra::describeExpected(f))).toStdString()});
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
    updateIssueMarks();
}

QString ConfigForm::issueText(const QString& key) const {
    const QLabel* label = issues_.value(key);
    return label ? label->text() : QString();
}

}  // namespace fraui
