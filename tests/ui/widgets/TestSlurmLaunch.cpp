// The workbench submitting to Slurm as a user drives it, against a real one-node cluster the test
// starts (Debian's munge, slurmctld, slurmd): the Launch view's "Slurm cluster" target shows the
// job script before it is submitted; the run browser shows the job pending, running, requeued
// after a preemption and finished; Stop in the browser's menu checkpoints the run and cancels the
// job; a job sbatch refuses is one readable message and leaves no folder behind. Through an ssh
// login node (a real OpenSSH server whose sessions see the cluster): `fra submit slurm` runs there,
// the run is mirrored with its job's state from the host's squeue, and Stop acts there.
#include "data/RunCatalog.h"
#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "support/Process.h"
#include "support/SlurmCluster.h"
#include "support/SshServer.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "FormFields.h"
#include "widgets/LaunchPanel.h"
#include "widgets/MainWindow.h"
#include "widgets/RunBrowser.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSettings>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QtTest>

namespace fs = std::filesystem;

namespace {

void fillTinySlurmRun(fraui::LaunchPanel* launch, const fs::path& dir, const QString& name, const QString& sbatchOptions, int steps) {
    launch->setPreset("cpu-r18");
    launch->setTarget(fraui::LaunchPanel::slurmTarget());
    launch->setDataFolder(QString::fromStdString((dir / "faces").string()));
    launch->setRunName(name);
    launch->findChild<QLineEdit*>("slurmFra")->setText(FRA_CLI);
    launch->findChild<QLineEdit*>("slurmExtra")->setText(sbatchOptions);
    const QStringList settings = {"model.num_regions=4", "model.embed_dim=16", "model.hidden_dim=32", "model.decoder_heads=2",
                                  "model.decoder_feedforward=16", "data.image_size=48", "data.batch_size=4", "data.workers=1",
                                  "run.threads=1", "run.probe_images=2", "run.heatmap_every=5", "run.checkpoint_every=1000",
                                  "run.heartbeat_s=1", "run.max_steps=" + QString::number(steps)};
    for (const auto& s : settings) setField(launch, s.section('=', 0, 0), s.section('=', 1));
}

QString cell(fraui::RunCatalog* catalog, const QString& run, int column) {
    const int row = catalog->rowOf(run);
    return row < 0 ? QString() : catalog->data(catalog->index(row, column)).toString();
}

std::size_t loggedSteps(const fs::path& run) {
    return fs::exists(run / "metrics.jsonl") ? fra::MetricsReader::readAll(run / "metrics.jsonl").size() : 0;
}

QString submit(fraui::MainWindow& window) {
    QSignalSpy submitted(&window, &fraui::MainWindow::slurmJobSubmitted);
    auto* start = window.launchPanel()->findChild<QPushButton*>("start");
    if (start->text() != "Submit") return "the Launch button reads '" + start->text() + "'";
    QTest::mouseClick(start, Qt::LeftButton);
    if (!submitted.wait(60000)) return {};
    return submitted.first().at(1).toString();
}

}  // namespace

class TestSlurmLaunch : public QObject {
    Q_OBJECT
private:
    TempDir dir;
    std::unique_ptr<SlurmCluster> cluster;

private slots:
    void initTestCase() {
        cluster = std::make_unique<SlurmCluster>(dir / "cluster");
        testimages::writeFolder(dir / "faces", 12, 48);
    }
    void cleanupTestCase() { cluster.reset(); }

    void submitAndWatchPendingRunningRequeuedFinished() {
        fraui::MainWindow window;
        window.resize(1500, 900);
        window.show();
        window.setRunsFolder(QString::fromStdString((dir / "desk").string()));
        fraui::LaunchPanel* launch = window.launchPanel();
        QVERIFY(launch->findChild<QComboBox*>("target")->findText(fraui::LaunchPanel::slurmTarget()) >= 0);
        // --begin holds the job for a few seconds: the browser must show it pending first
        fillTinySlurmRun(launch, dir.path(), "s1", "--begin=now+10", 80);
        QVERIFY2(launch->canStart(), qPrintable(launch->findChild<QLabel*>("launchSummary")->text()));
        // the script as it will be submitted, shown before it is
        const QString script = launch->findChild<QPlainTextEdit*>("slurmScript")->toPlainText();
        QVERIFY2(launch->findChild<QPlainTextEdit*>("slurmScript")->isVisible(), "the job script is not shown");
        for (const char* expected : {"#SBATCH --requeue", "#SBATCH --signal=USR2@", "#SBATCH --open-mode=append", "#SBATCH --begin=now+10",
                                     "slurm/settings.json", FRA_CLI})
            QVERIFY2(script.contains(expected), qPrintable(QString("%1 not in\n%2").arg(expected, script)));

        const QString job = submit(window);
        QVERIFY2(!job.isEmpty() && job[0].isDigit(), qPrintable(job));
        const QString run = QString::fromStdString((dir / "desk" / "s1").string());
        QCOMPARE(QString::fromUtf8(readFile((dir / "desk" / "s1" / "slurm" / "job.sh").string()).c_str()), script);

        fraui::RunCatalog* catalog = window.catalog();
        catalog->setRefreshInterval(500);
        auto* browser = window.findChild<fraui::RunBrowser*>();
        QTRY_VERIFY_WITH_TIMEOUT(cell(catalog, run, fraui::RunCatalog::Job).contains("PENDING (BeginTime)"), 20000);
        QCOMPARE(cell(catalog, run, fraui::RunCatalog::State), QString("queued"));
        QVERIFY(!browser->view()->isColumnHidden(fraui::RunCatalog::Job));
        QTRY_VERIFY_WITH_TIMEOUT(cell(catalog, run, fraui::RunCatalog::Job) == job + ": RUNNING", 60000);
        QTRY_VERIFY_WITH_TIMEOUT(loggedSteps(run.toStdString()) >= 5, 120000);
        QVERIFY2(cell(catalog, run, fraui::RunCatalog::State).startsWith("running"), qPrintable(cell(catalog, run, fraui::RunCatalog::State)));
        browser->select(run);
        QTest::qWait(300);
        QDir().mkpath(FRA_TEST_ARTIFACTS);
        window.grab().save(FRA_TEST_ARTIFACTS "/slurm-run-running.png");  // to look at

        // a preemption, as Slurm signals it: the job checkpoints, requeues itself, and the browser says so
        QCOMPARE(runProcess({"/usr/bin/scancel", "--signal=USR2", job.toStdString()}).exitCode, 0);
        QTRY_VERIFY_WITH_TIMEOUT(cell(catalog, run, fraui::RunCatalog::Job).contains("requeued 1×"), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(cell(catalog, run, fraui::RunCatalog::State), QString("finished"), 240000);
        QTRY_VERIFY_WITH_TIMEOUT(cell(catalog, run, fraui::RunCatalog::Job).startsWith(job + ": COMPLETED"), 30000);
        QCOMPARE(loggedSteps(run.toStdString()), std::size_t{80});
        QTest::qWait(300);
        window.grab().save(FRA_TEST_ARTIFACTS "/slurm-run-finished.png");
    }

    void stopCheckpointsTheRunAndCancelsTheJob() {
        fraui::MainWindow window;
        window.setRunsFolder(QString::fromStdString((dir / "desk").string()));
        fraui::RunCatalog* catalog = window.catalog();
        catalog->setRefreshInterval(500);
        auto* browser = window.findChild<fraui::RunBrowser*>();

        fillTinySlurmRun(window.launchPanel(), dir.path(), "s2", "", 100000);
        const QString job = submit(window);
        QVERIFY2(!job.isEmpty() && job[0].isDigit(), qPrintable(job));
        const QString run = QString::fromStdString((dir / "desk" / "s2").string());
        QTRY_VERIFY_WITH_TIMEOUT(loggedSteps(run.toStdString()) >= 3, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(catalog->data(catalog->index(catalog->rowOf(run), 0), fraui::RunCatalog::SlurmActiveRole).toBool(), 10000);
        emit browser->slurmStopRequested(run, job);  // as the browser's menu sends it
        QTRY_COMPARE_WITH_TIMEOUT(cell(catalog, run, fraui::RunCatalog::State), QString("stopped"), 120000);
        QTRY_VERIFY_WITH_TIMEOUT(cluster->jobState(job.toStdString()).empty(), 60000);  // ended, not requeued
        const auto status = fra::RunDirectory::open(run.toStdString()).readStatus();
        QVERIFY(fra::RunDirectory::open(run.toStdString()).latestCheckpoint().has_value());
        QCOMPARE(status.slurmStops.size(), std::size_t{0});  // a stop, not a preemption: nothing requeued
        QTest::qWait(3000);  // and it stays gone
        const std::string after = cluster->jobState(job.toStdString());
        QVERIFY2(after != "PENDING" && after != "RUNNING", after.c_str());

        // a job still waiting is cancelled at once and its submission stays listed as such
        fillTinySlurmRun(window.launchPanel(), dir.path(), "s3", "--hold", 10);
        const QString held = submit(window);
        QVERIFY(!held.isEmpty());
        const QString heldRun = QString::fromStdString((dir / "desk" / "s3").string());
        QTRY_VERIFY_WITH_TIMEOUT(cell(catalog, heldRun, fraui::RunCatalog::Job).contains("PENDING"), 20000);
        emit browser->slurmStopRequested(heldRun, held);
        QTRY_VERIFY_WITH_TIMEOUT(cell(catalog, heldRun, fraui::RunCatalog::Job).contains("CANCELLED"), 30000);
        QVERIFY(!fs::exists(dir / "desk" / "s3" / "config.json"));
    }

    void submitOnALoginNodeOverSshWatchAndStopThere() {
        SshServer server(dir / "sshd", {"SLURM_CONF=" + cluster->conf().string()});
        server.useFromThisProcess();
        ::unsetenv("SLURM_CONF");  // the desk has no Slurm of its own: what it shows of the job comes from the host
        struct Restore {
            SlurmCluster* cluster;
            ~Restore() {
                cluster->useFromThisProcess();
                QSettings().remove("remote/mirrorMs");
            }
        } restore{cluster.get()};
        QSettings().setValue("remote/mirrorMs", 1000);
        fraui::MainWindow window;
        window.setRunsFolder(QString::fromStdString((dir / "desk-ssh").string()));
        fraui::LaunchPanel* launch = window.launchPanel();
        fillTinySlurmRun(launch, dir.path(), "s5", "", 100000);
        launch->setTarget("fra-test");
        launch->setRemoteRunsFolder(QString::fromStdString((dir / "server").string()));
        launch->setRemoteFra(FRA_CLI);
        launch->findChild<QCheckBox*>("remoteSlurm")->setChecked(true);
        QVERIFY2(launch->canStart(), qPrintable(launch->findChild<QLabel*>("launchSummary")->text()));
        const QString script = launch->findChild<QPlainTextEdit*>("slurmScript")->toPlainText();
        QVERIFY2(script.contains("#SBATCH --requeue") && script.contains(FRA_CLI) && script.contains((dir / "server" / "s5").c_str()), qPrintable(script));

        const QString job = submit(window);
        QVERIFY2(!job.isEmpty() && job[0].isDigit(), qPrintable(job));
        qInfo() << "submitted on fra-test: job" << job;
        const QString cache = QString::fromStdString((dir / "desk-ssh" / "fra-test" / "s5").string());
        const fs::path there = dir / "server" / "s5";
        QVERIFY(fs::exists(there / "slurm" / "job.sh"));
        QVERIFY(fs::exists(there / "slurm" / "settings.json"));
        fraui::RunCatalog* catalog = window.catalog();
        catalog->setRefreshInterval(500);
        QTRY_VERIFY_WITH_TIMEOUT(cell(catalog, cache, fraui::RunCatalog::Job) == job + ": RUNNING", 120000);
        qInfo() << "the mirror shows the job running";
        QTRY_VERIFY_WITH_TIMEOUT(loggedSteps(there) >= 3, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(cell(catalog, cache, fraui::RunCatalog::State).startsWith("running"), 30000);
        QCOMPARE(catalog->data(catalog->index(catalog->rowOf(cache), 0), fraui::RunCatalog::RemoteHostRole).toString(), QString("fra-test"));

        auto* browser = window.findChild<fraui::RunBrowser*>();
        emit browser->slurmStopRequested(cache, job);
        qInfo() << "stop sent";
        QTRY_COMPARE_WITH_TIMEOUT(cell(catalog, cache, fraui::RunCatalog::State), QString("stopped"), 120000);
        QTRY_VERIFY_WITH_TIMEOUT(!cell(catalog, cache, fraui::RunCatalog::Job).contains("RUNNING"), 60000);
        const auto status = fra::RunDirectory::open(there).readStatus();
        QCOMPARE(QString::fromStdString(status.state), QString("stopped"));
        QVERIFY(fra::RunDirectory::open(there).latestCheckpoint().has_value());
        QCOMPARE(status.slurmStops.size(), std::size_t{0});
    }

    void aRefusedJobIsOneMessageAndLeavesNothing() {
        fraui::MainWindow window;
        window.setRunsFolder(QString::fromStdString((dir / "desk").string()));
        fillTinySlurmRun(window.launchPanel(), dir.path(), "s4", "", 10);
        window.launchPanel()->findChild<QLineEdit*>("slurmPartition")->setText("no-such-partition");
        QVERIFY(window.launchPanel()->canStart());
        MessageBoxReader box;  // the warning box: read its text and close it
        QTest::mouseClick(window.launchPanel()->findChild<QPushButton*>("start"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!box.text().isEmpty(), 60000);
        const QString shown = box.text();
        QVERIFY2(shown.contains("sbatch refused the job") && shown.contains("partition"), qPrintable(shown));
        QVERIFY2(!shown.contains('\n'), qPrintable(shown));
        QVERIFY(!fs::exists(dir / "desk" / "s4"));

        // a time limit Slurm cannot read is caught in the form, before anything is submitted
        window.launchPanel()->findChild<QLineEdit*>("slurmPartition")->clear();
        window.launchPanel()->findChild<QLineEdit*>("slurmTime")->setText("tomorrow");
        QVERIFY(!window.launchPanel()->canStart());
        QVERIFY(window.launchPanel()->findChild<QLabel*>("launchSummary")->text().contains("not a Slurm duration"));
    }
};

QTEST_MAIN(TestSlurmLaunch)
#include "TestSlurmLaunch.moc"
