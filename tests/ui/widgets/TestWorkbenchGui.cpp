// The workbench as a user drives it: a tiny run started from the launcher, watched live.
#include "bridge/EvaluationBridge.h"
#include "bridge/TrainingBridge.h"
#include "data/RunCatalog.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "widgets/ConfigForm.h"
#include "FormFields.h"
#include "widgets/EvaluationPanel.h"
#include "widgets/HeatmapPane.h"
#include "widgets/HeatmapPanel.h"
#include "widgets/LaunchPanel.h"
#include "widgets/MainWindow.h"
#include "widgets/MetricPlot.h"
#include "widgets/PlotPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <filesystem>
#include <fstream>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>
#include <qcustomplot.h>

namespace fs = std::filesystem;

class TestWorkbenchGui : public QObject {
    Q_OBJECT
private slots:
    void invalidFieldsBlockStartWithAReason() {
        TempDir dir;
        fraui::MainWindow window;
        window.setRunsFolder(QString::fromStdString((dir / "runs").string()));
        fraui::LaunchPanel* launch = window.launchPanel();
        launch->setDataFolder(QString::fromStdString((dir / "nowhere").string()));
        QVERIFY(!launch->canStart());
        QCOMPARE(launch->dataIssue(), QString("folder does not exist"));
        testimages::writeFolder(dir / "faces", 8, 40);
        launch->setDataFolder(QString::fromStdString((dir / "faces").string()));
        QVERIFY(launch->canStart());
        setField(launch, "optim.warmup_epochs", "500");  // more than optim.epochs: a cross-field rule
        QVERIFY(!launch->canStart());
        QVERIFY(launch->form()->issueText("optim.warmup_epochs").contains("smaller than optim.epochs"));
        QVERIFY(!launch->findChild<QPushButton*>("start")->isEnabled());
    }

    // A malformed downstream dataset in the evaluation view: the dataset line names file and line,
    // starting says so in a message (no crash, no nested modal loop), and the view stays usable.
    void malformedDatasetGivesAReadableMessageAndTheGuiStaysUsable() {
        TempDir dir;
        fraui::MainWindow window;
        window.setRunsFolder(QString::fromStdString((dir / "runs").string()));
        fs::create_directories(dir / "raf" / "EmoLabel");
        std::ofstream(dir / "raf" / "EmoLabel" / "list_patition_label.txt") << "train_00001.jpg 5\ntrain_00002.jpg five\n";
        fraui::EvaluationPanel* evaluation = window.evaluationPanel();
        auto* info = evaluation->findChild<QLabel*>("datasetInfo");
        QVERIFY(info);
        evaluation->setDataset("rafdb", QString::fromStdString((dir / "raf").string()));
        QTRY_VERIFY_WITH_TIMEOUT(info->text().contains("list_patition_label.txt:2"), 5000);
        evaluation->setModel("random:resnet18");
        QSignalSpy failed(window.evaluationBridge(), &fraui::EvaluationBridge::failed);
        evaluation->start();
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 30000);
        QVERIFY2(failed.first().at(1).toString().contains("list_patition_label.txt:2"), qPrintable(failed.first().at(1).toString()));
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = evaluation->findChild<QMessageBox*>("evaluationFailed")) != nullptr, 5000);
        QVERIFY(box->text().contains("expected an integer label"));
        box->close();
        QVERIFY(!window.evaluationBridge()->busy());
        QVERIFY(evaluation->findChild<QPushButton*>("evaluate")->isEnabled());
        // still usable: a valid dataset is described
        testimages::writeFolder(dir / "folder" / "train" / "a", 2, 40);
        testimages::writeFolder(dir / "folder" / "train" / "b", 2, 40);
        testimages::writeFolder(dir / "folder" / "test" / "a", 2, 40);
        testimages::writeFolder(dir / "folder" / "test" / "b", 2, 40);
        evaluation->setDataset("folder", QString::fromStdString((dir / "folder").string()));
        QTRY_VERIFY_WITH_TIMEOUT(info->text().contains("4 train"), 5000);
        window.saveScreenshots(FRA_TEST_ARTIFACTS "/workbench-malformed-dataset");
    }

    void tinyRunFromTheLauncherIsMonitoredLive() {
        TempDir dir;
        testimages::writeFolder(dir / "faces", 10, 48);
        fraui::MainWindow window;
        window.resize(1400, 900);
        window.show();
        window.setRunsFolder(QString::fromStdString((dir / "runs").string()));
        fraui::LaunchPanel* launch = window.launchPanel();
        launch->setPreset("cpu-r18");
        launch->setDataFolder(QString::fromStdString((dir / "faces").string()));
        launch->setRunName("tiny");
        const QStringList settings = {"model.num_regions=4", "model.embed_dim=16",   "model.hidden_dim=32",
                                      "model.decoder_heads=2", "model.decoder_feedforward=16", "data.image_size=32",
                                      "data.batch_size=4",   "run.max_steps=6",      "run.heatmap_every=2",
                                      "run.checkpoint_every=3", "run.probe_images=3", "run.threads=2"};
        for (const auto& s : settings) setField(launch, s.section('=', 0, 0), s.section('=', 1));
        QVERIFY2(launch->canStart(), "the tiny configuration should be valid");

        QSignalSpy finished(window.bridge(), &fraui::TrainingBridge::finished);
        QTest::mouseClick(launch->findChild<QPushButton*>("start"), Qt::LeftButton);
        QVERIFY(finished.wait(300000));
        QCOMPARE(finished.first().at(1).toString(), QString("finished"));
        const QString run = QString::fromStdString((dir / "runs" / "tiny").string());

        // the follower delivers the whole curve, the plots draw it
        QTRY_COMPARE_WITH_TIMEOUT(window.plotPanel()->series(run) ? window.plotPanel()->series(run)->size() : 0, 6, 10000);
        window.plotPanel()->redrawNow();
        QVERIFY(window.plotPanel()->plot("l_c")->drawnPoints() >= 6);
        QVERIFY(window.plotPanel()->plot("l_r")->drawnPoints() >= 6);
        QVERIFY(window.plotPanel()->plot("region_cos")->drawnPoints() >= 6);  // the regions' diagnostics too
        // the heatmap view shows K = 4 regions over the 3 probe faces, newest snapshot
        QTRY_COMPARE_WITH_TIMEOUT(window.heatmapPanel()->primary()->currentStep(), qint64(6), 10000);
        QCOMPARE(window.heatmapPanel()->primary()->regions(), 4);
        QCOMPARE(window.heatmapPanel()->regionList()->count(), 4);
        QCOMPARE(window.heatmapPanel()->primary()->faces().size(), 3);
        // the run browser lists it as finished
        window.catalog()->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(window.catalog()->rowOf(run) >= 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(window.catalog()->data(window.catalog()->index(window.catalog()->rowOf(run), fraui::RunCatalog::State)).toString(),
                                  QString("finished"), 10000);
        // heatmaps of any image under the run's checkpoint, computed off the GUI thread
        window.heatmapPanel()->openImages({QString::fromStdString((dir / "faces" / "face_003.jpg").string())});
        QTRY_COMPARE_WITH_TIMEOUT(window.heatmapPanel()->primary()->faces().size(), 1, 30000);
        QCOMPARE(window.heatmapPanel()->primary()->regions(), 4);
        // and over the test faces of a downstream dataset, in the evaluation view
        for (const char* split : {"train", "test"})
            for (const char* cls : {"a", "b"}) testimages::writeFolder(dir / "downstream" / split / cls, 3, 40);
        fraui::EvaluationPanel* evaluation = window.evaluationPanel();
        evaluation->setDataset("folder", QString::fromStdString((dir / "downstream").string()));
        evaluation->setModel(run);
        evaluation->showDatasetHeatmaps();
        QTRY_VERIFY_WITH_TIMEOUT(evaluation->datasetHeatmaps()->faces().size() >= 4, 30000);
        QCOMPARE(evaluation->datasetHeatmaps()->regions(), 4);

        // a fine-tuning of the run snapshots the regions every epoch; the regions view shows them
        // live, newest epoch against epoch 0 (the pre-trained checkpoint)
        evaluation->setProtocol("ft");
        for (const auto& [key, value] : std::vector<std::pair<QString, QString>>{
                 {"epochs", "2"}, {"warmup_epochs", "1"}, {"image_size", "32"}, {"batch_size", "4"}, {"probe_images", "3"},
                 {"threads", "2"}, {"eval_every", "2"}}) {
            auto* line = qobject_cast<QLineEdit*>(evaluation->form()->editor(key));
            QVERIFY2(line, qPrintable(key));
            line->setText(value);
            emit line->textEdited(value);
        }
        QSignalSpy evaluated(window.evaluationBridge(), &fraui::EvaluationBridge::finished);
        QSignalSpy failedEvaluation(window.evaluationBridge(), &fraui::EvaluationBridge::failed);
        evaluation->start();
        QString formIssues;
        for (const char* key : {"protocol", "image_size", "batch_size", "epochs", "warmup_epochs", "lr", "backbone_lr", "min_lr",
                                "probe_images", "threads", "eval_every", "output_stride", "preset"})
            if (!evaluation->form()->issueText(key).isEmpty()) formIssues += QString(key) + ": " + evaluation->form()->issueText(key) + "; ";
        QVERIFY2(window.evaluationBridge()->busy(), qPrintable("the evaluation form refused to start: " + formIssues));
        QTRY_VERIFY_WITH_TIMEOUT(evaluated.count() + failedEvaluation.count() > 0, 240000);
        QVERIFY2(failedEvaluation.isEmpty(), failedEvaluation.isEmpty() ? "" : qPrintable(failedEvaluation.first().at(1).toString()));
        auto* ftRegions = evaluation->findChild<QPushButton*>("ftRegions");
        QVERIFY(ftRegions && ftRegions->isEnabled());
        QTest::mouseClick(ftRegions, Qt::LeftButton);
        const QString evalDir = evaluated.first().at(0).toString();
        QCOMPARE(window.heatmapPanel()->primary()->run(), evalDir);
        QCOMPARE(window.heatmapPanel()->primary()->steps(), (QVector<qint64>{0, 1, 2}));  // epochs
        QCOMPARE(window.heatmapPanel()->primary()->currentStep(), qint64(2));
        QCOMPARE(window.heatmapPanel()->secondary()->currentStep(), qint64(0));
        QCOMPARE(window.heatmapPanel()->primary()->faces().size(), 3);
        window.saveScreenshots(FRA_TEST_ARTIFACTS "/workbench-finetuning");

        // every kept checkpoint of the run (steps 3 and 6) read out one after another, then the
        // read-out's NME against the pre-training step
        const fs::path blobs = testimages::writeBlobLandmarkDataset(dir / "blobs");
        evaluation->setDataset("pts", QString::fromStdString(blobs.string()));
        evaluation->setModel(run);
        evaluation->setProtocol("heatmap-regression");
        evaluation->alongRun()->setChecked(true);
        QSignalSpy readouts(window.evaluationBridge(), &fraui::EvaluationBridge::finished);
        evaluation->start();
        QTRY_VERIFY_WITH_TIMEOUT(readouts.count() == 2 || !failedEvaluation.isEmpty(), 240000);
        QVERIFY2(failedEvaluation.isEmpty(), failedEvaluation.isEmpty() ? "" : qPrintable(failedEvaluation.first().at(1).toString()));
        QVERIFY2(readouts.at(0).at(0).toString().endsWith("@ckpt_0000000003"), qPrintable(readouts.at(0).at(0).toString()));
        QVERIFY2(readouts.at(1).at(0).toString().endsWith("@ckpt_0000000006"), qPrintable(readouts.at(1).at(0).toString()));
        QTest::qWait(200);
        QCOMPARE(readouts.count(), 2);  // nothing more was started
        QVERIFY(!window.evaluationBridge()->busy());
        evaluation->setSelectedRuns({run});
        evaluation->refreshComparison();
        auto* column = evaluation->findChild<QComboBox*>("barColumn");
        QVERIFY(column);
        bool plotted = false;
        for (int i = 0; i < column->count() && !plotted; ++i) {
            column->setCurrentIndex(i);
            QCustomPlot* series = evaluation->series();
            plotted = series->graphCount() == 1 && series->graph(0)->dataCount() == 2 && series->graph(0)->data()->at(0)->key == 3.0 &&
                      series->graph(0)->data()->at(1)->key == 6.0;
        }
        QVERIFY2(plotted, "no column plots the two checkpoints against their steps");
        window.heatmapPanel()->setRun(run);
        window.saveScreenshots(FRA_TEST_ARTIFACTS "/workbench");
        QVERIFY(QFile::exists(FRA_TEST_ARTIFACTS "/workbench/monitor.png"));
        QVERIFY(QFile::exists(FRA_TEST_ARTIFACTS "/workbench/heatmaps.png"));
    }
};

QTEST_MAIN(TestWorkbenchGui)
#include "TestWorkbenchGui.moc"
