#include "config/ConfigSchema.h"
#include "widgets/ConfigForm.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QtTest>

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
};

QTEST_MAIN(TestConfigForm)
#include "TestConfigForm.moc"
