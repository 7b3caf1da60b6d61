// The evaluation view's comparison (A/B) as a user reads it: every value with its interval, a
// difference marked only where the paired test on the same test samples finds one, error bars.
#include "support/TempDir.h"
#include "widgets/EvaluationPanel.h"
#include "widgets/MainWindow.h"

#include <QComboBox>
#include <QLineEdit>
#include <QTableWidget>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <qcustomplot.h>

namespace fs = std::filesystem;

namespace {
// An evaluation folder of `model` on one classification test set: result.json and samples.csv.
void writeEvaluation(const fs::path& out, const std::string& model, const std::vector<int>& correct) {
    const fs::path dir = out / model / "eval" / "folder-faces-lp";
    fs::create_directories(dir);
    std::ofstream csv(dir / "samples.csv", std::ios::binary);
    csv << "sample,image,where,subset,label,label_name,predicted,predicted_name,correct\r\n";
    double top1 = 0;
    for (std::size_t i = 0; i < correct.size(); ++i) {
        csv << i << ",face" << i << ".png,,,0,a," << (correct[i] ? 0 : 1) << ",," << correct[i] << "\r\n";
        top1 += correct[i] / double(correct.size());
    }
    const nlohmann::json result{{"model_name", model}, {"format", "folder"}, {"dataset", "folder:/data/faces"}, {"protocol", "lp"},
                                {"metrics", {{"top1", top1}}}, {"primary_metric", "top1"}, {"primary", top1}};
    std::ofstream(dir / "result.json") << result.dump(2);
}
}  // namespace

class TestComparisonView : public QObject {
    Q_OBJECT
private slots:
    void valuesCarryIntervalsAndOnlyRealDifferencesAreMarked() {
        TempDir dir;
        std::vector<int> strong(60, 1), close(60, 1), weak(60, 0);
        for (int i = 0; i < 6; ++i) strong[i] = 0;  // 90 %
        for (int i = 0; i < 9; ++i) close[i] = 0;   // 85 %: 3 discordant faces, nothing to tell
        for (int i = 0; i < 20; ++i) weak[i] = 1;   // 33 %
        writeEvaluation(dir / "evals", "strong", strong);
        writeEvaluation(dir / "evals", "close", close);
        writeEvaluation(dir / "evals", "weak", weak);

        fraui::MainWindow window;
        window.setRunsFolder(QString::fromStdString((dir / "runs").string()));
        fraui::EvaluationPanel* panel = window.evaluationPanel();
        panel->findChild<QLineEdit*>("evalOut")->setText(QString::fromStdString((dir / "evals").string()));
        panel->refreshComparison();
        auto* table = panel->findChild<QTableWidget*>("comparison");
        QCOMPARE(table->rowCount(), 3);
        const auto cellOf = [&](const QString& model) {
            for (int r = 0; r < table->rowCount(); ++r)
                if (table->verticalHeaderItem(r)->text() == model) return table->item(r, 0);
            return static_cast<QTableWidgetItem*>(nullptr);
        };
        // against the best (the baseline's default): a real difference is marked, a small one is not
        panel->findChild<QComboBox*>("baseline")->setCurrentText("strong");
        QVERIFY(cellOf("strong")->text().startsWith("90.00 ["));
        QVERIFY2(cellOf("weak")->text().endsWith("] †"), qPrintable(cellOf("weak")->text()));
        QVERIFY2(cellOf("close")->text().endsWith("]"), qPrintable(cellOf("close")->text()));
        QVERIFY(cellOf("close")->toolTip().contains("McNemar"));
        QVERIFY(cellOf("close")->toolTip().contains("cannot tell"));
        QCOMPARE(cellOf("close")->background().style(), Qt::NoBrush);
        QVERIFY(cellOf("weak")->background().style() != Qt::NoBrush);

        // the bar chart: one error bar per model, around its value
        auto* plot = panel->findChild<QCustomPlot*>("bars");
        QCPErrorBars* errors = nullptr;
        for (int i = 0; i < plot->plottableCount(); ++i)
            if (auto* e = qobject_cast<QCPErrorBars*>(plot->plottable(i))) errors = e;
        QVERIFY(errors);
        QCOMPARE(errors->dataCount(), 3);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(errors->data()->at(i).errorMinus > 0);
            QVERIFY(errors->data()->at(i).errorPlus > 0);
        }
    }
};

QTEST_MAIN(TestComparisonView)
#include "TestComparisonView.moc"
