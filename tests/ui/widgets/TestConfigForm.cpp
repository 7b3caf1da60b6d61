#include "config/ConfigSchema.h"
#include "config/FieldPresentation.h"
#include "downstream/EvalSchema.h"
#include "widgets/ConfigForm.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTabWidget>
#include <QToolButton>
#include <QtTest>

namespace {
// The label a QFormLayout of `form` shows for the row holding `editor`.
QLabel* rowLabelOf(const fraui::ConfigForm& form, QWidget* editor) {
    QWidget* row = editor->parentWidget();
    for (auto* layout : form.findChildren<QFormLayout*>())
        if (auto* label = qobject_cast<QLabel*>(layout->labelForField(row))) return label;
    return nullptr;
}

QStringList tabTitles(const fraui::ConfigForm& form) {
    QStringList titles;
    auto* tabs = form.findChild<QTabWidget*>();
    for (int i = 0; tabs && i < tabs->count(); ++i) titles << tabs->tabText(i);
    return titles;
}

// Every row labelled in words, its help naming the key; the advanced ones inside their group's
// folded section, the others outside it.
void checkRowsAndHelp(fraui::ConfigForm& form, const std::vector<fra::FieldSpec>& fields) {
    auto* help = form.findChild<QLabel*>("fieldHelp");
    QVERIFY(help);
    QVERIFY(help->wordWrap());
    for (const auto& f : fields) {
        const QString key = QString::fromStdString(f.key);
        QWidget* editor = form.editor(key);
        QVERIFY2(editor, qPrintable(key));
        QVERIFY2(!f.label.empty(), qPrintable(key + ": no label"));
        QLabel* label = rowLabelOf(form, editor);
        QVERIFY2(label, qPrintable(key));
        QCOMPARE(label->text(), QString::fromStdString(f.label));
        QVERIFY(label->text() != key);
        QCOMPARE(form.rowLabel(key), label);
        QVERIFY2(editor->toolTip().contains(key), qPrintable(key));
        QVERIFY2(label->toolTip().contains(key), qPrintable(key));
        form.showHelp(key);
        QCOMPARE(help->text(), QString::fromStdString(f.describe()));
        QVERIFY(help->text().contains(key));
        if (!f.reference.empty()) QVERIFY(help->text().contains(QString::fromStdString(f.reference)));
        auto* section = form.findChild<QWidget*>("advancedFields:" + QString::fromStdString(f.group));
        QVERIFY2(section, qPrintable(key));
        QVERIFY2(section->isAncestorOf(editor) == f.advanced, qPrintable(key));
        QVERIFY2(section->isHidden(), qPrintable(key));  // folded until asked for
    }
}
}  // namespace

class TestConfigForm : public QObject {
    Q_OBJECT
private slots:
    void buildsEditorsAndReportsReasons() {
        std::vector<fra::FieldSpec> fields(fra::ConfigSchema::instance().fields().begin(), fra::ConfigSchema::instance().fields().end());
        fraui::ConfigForm form(fields);
        fra::FraConfig config;
        form.setValues(fra::ConfigSchema::instance().toJson(config));
        QVERIFY(qobject_cast<QComboBox*>(form.editor("model.arch")));
        QVERIFY(qobject_cast<QCheckBox*>(form.editor("loss.local_consistency")));
        auto* regions = qobject_cast<QLineEdit*>(form.editor("model.num_regions"));
        QVERIFY(regions);
        QCOMPARE(regions->text(), QString("8"));
        QCOMPARE(qobject_cast<QLineEdit*>(form.editor("data.mean"))->text(), QString("0.5231,0.4044,0.3489"));
        QVERIFY(form.parseIssues().empty());

        QSignalSpy edited(&form, &fraui::ConfigForm::edited);
        regions->setText("0");
        emit regions->textEdited("0");
        QCOMPARE(edited.count(), 1);
        auto issues = form.parseIssues();
        QCOMPARE(issues.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(issues[0].key), QString("model.num_regions"));
        form.showIssues(issues);
        QVERIFY(form.issueText("model.num_regions").contains("an integer in [1, 256]"));
        regions->setText("eight");
        form.showIssues(form.parseIssues());
        QVERIFY(form.issueText("model.num_regions").contains("expected an integer"));
        QVERIFY(!form.values().contains("model.num_regions"));  // unparsable values stay out

        regions->setText("32");
        form.showIssues(form.parseIssues());
        QVERIFY(form.issueText("model.num_regions").isEmpty());
        fra::FraConfig edited2;
        fra::ConfigSchema::instance().apply(edited2, form.values(), "form");
        QCOMPARE(edited2.model.numRegions, 32);
        QCOMPARE(edited2.data.mean[2], 0.3489);
    }

    // The launch form speaks in words: human labels, groups as a researcher thinks of them, the
    // help (key, range, paper's or authors' value) on the focused or hovered field, rarely changed
    // fields folded under "Advanced" and still set programmatically.
    void rowsAreLabelledInWordsGroupedAndAdvancedOnesFolded() {
        std::vector<fra::FieldSpec> fields(fra::ConfigSchema::instance().fields().begin(), fra::ConfigSchema::instance().fields().end());
        fraui::ConfigForm form(fields);
        form.setValues(fra::ConfigSchema::instance().toJson(fra::FraConfig{}));
        checkRowsAndHelp(form, fields);
        if (QTest::currentTestFailed()) return;
        QCOMPARE(tabTitles(form), (QStringList{"Model", "Method and losses", "Schedule", "Data", "Run"}));
        QCOMPARE(form.rowLabel("model.decoder_feedforward")->text(), QString("Decoder feed-forward width"));

        form.resize(900, 700);
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        QWidget* regions = form.editor("model.num_regions");
        QWidget* dropout = form.editor("model.decoder_dropout");  // advanced
        QVERIFY(regions->isVisible());
        QVERIFY(!dropout->isVisible());
        auto* toggle = form.findChild<QToolButton*>("advancedToggle:Model");
        QVERIFY(toggle && toggle->isVisible() && toggle->isCheckable() && !toggle->isChecked());
        QVERIFY(toggle->text().startsWith("Advanced"));
        toggle->click();
        QVERIFY(dropout->isVisible());
        toggle->click();
        QVERIFY(!dropout->isVisible());

        // hovering a row and focusing an editor show its help under the form
        auto* help = form.findChild<QLabel*>("fieldHelp");
        QEnterEvent enter(QPointF(1, 1), QPointF(1, 1), QPointF(1, 1));
        QCoreApplication::sendEvent(form.editor("optim.lr"), &enter);
        QVERIFY(help->text().contains("key: optim.lr"));
        QVERIFY(help->text().contains("authors' code: 0.9"));
        QFocusEvent focus(QEvent::FocusIn);
        QCoreApplication::sendEvent(regions, &focus);
        QVERIFY(help->text().contains("key: model.num_regions"));

        // a folded editor takes a value and reports a refused one
        auto* workers = qobject_cast<QLineEdit*>(form.editor("data.workers"));
        QVERIFY(workers && !workers->isVisible());
        QSignalSpy edited(&form, &fraui::ConfigForm::edited);
        workers->setText("3");
        emit workers->textEdited("3");
        QCOMPARE(edited.count(), 1);
        QCOMPARE(form.values().at("data.workers").get<int>(), 3);
        workers->setText("0");
        form.showIssues(form.parseIssues());
        QVERIFY(form.issueText("data.workers").contains("an integer in [1, 256]"));
        QVERIFY(form.findChild<QToolButton*>("advancedToggle:Data")->text().contains("refused"));
    }

    void evaluationFormIsGroupedTheEvaluationWay() {
        std::vector<fra::FieldSpec> fields;
        for (const auto& f : fra::EvalSchema::instance().fields())
            if (f.key != "protocol") fields.push_back(f);  // as the evaluation view builds it
        fraui::ConfigForm form(fields);
        form.setValues(fra::EvalSchema::instance().toJson(fra::EvalConfig{}));
        checkRowsAndHelp(form, fields);
        if (QTest::currentTestFailed()) return;
        QCOMPARE(tabTitles(form), (QStringList{"Schedule", "Data", "Model", "Run"}));
        QVERIFY(qobject_cast<QLineEdit*>(form.editor("eval_every")));  // folded, still there
        QCOMPARE(form.rowLabel("eval_every")->text(), QString("Test evaluation every (epochs)"));
    }
};

QTEST_MAIN(TestConfigForm)
#include "TestConfigForm.moc"
