// The workbench training on an ssh host, as a user drives it, against a real OpenSSH server on
// 127.0.0.1: the Launch view offers the ssh config's aliases, Start on "fra-test" runs `fra
// pretrain` there, the run is listed as running on the host and mirrored until its heatmaps show
// in the regions view, Stop in the run browser's menu stops it there with a checkpoint; an alias
// whose key is refused gives one readable message and leaves nothing behind.
#include "data/RunCatalog.h"
#include "run/RunDirectory.h"
#include "support/SshServer.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "widgets/ConfigForm.h"
#include "FormFields.h"
#include "widgets/HeatmapPane.h"
#include "widgets/HeatmapPanel.h"
#include "widgets/LaunchPanel.h"
#include "widgets/MainWindow.h"
#include "widgets/RunBrowser.h"

#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QtTest>

namespace fs = std::filesystem;

namespace {
void fillTinyRun(fraui::LaunchPanel* launch, const fs::path& dir, const QString& host, const QString& name) {
    launch->setPreset("cpu-r18");
    launch->setTarget(host);
    launch->setRemoteRunsFolder(QString::fromStdString((dir / "server").string()));
    launch->setRemoteFra(FRA_CLI);
    launch->setDataFolder(QString::fromStdString((dir / "faces").string()));
    launch->setRunName(name);
    const QStringList settings = {"model.num_regions=4",   "model.embed_dim=16", "model.hidden_dim=32",     "model.decoder_heads=2",
                                  "model.decoder_feedforward=16", "data.image_size=32", "data.batch_size=4", "run.max_steps=100000",
                                  "run.heatmap_every=2",   "run.checkpoint_every=1000", "run.probe_images=3", "run.threads=2",
                                  "run.heartbeat_s=1"};
    for (const auto& s : settings) setField(launch, s.section('=', 0, 0), s.section('=', 1));
}
}  // namespace

class TestRemoteLaunch : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QSettings().setValue("remote/mirrorMs", 1000); }
    void cleanupTestCase() { QSettings().remove("remote/mirrorMs"); }

    void startOnAHostWatchTheRegionsAndStopFromTheBrowser() {
        TempDir dir;
        SshServer server(dir / "sshd");
        server.useFromThisProcess();
        testimages::writeFolder(dir / "faces", 12, 48);

        fraui::MainWindow window;
        window.resize(1400, 900);
        window.show();
        window.setRunsFolder(QString::fromStdString((dir / "desk").string()));
        fraui::LaunchPanel* launch = window.launchPanel();
        auto* target = launch->findChild<QComboBox*>("target");
        QVERIFY(target->findText("fra-test") >= 0);  // the aliases of the ssh config
        QVERIFY(target->findText("fra-badkey") >= 0);
        fillTinyRun(launch, dir.path(), "fra-test", "r1");
        QVERIFY2(launch->canStart(), "the remote tiny run should be valid");

        QSignalSpy launched(&window, &fraui::MainWindow::remoteRunLaunched);
        QTest::mouseClick(launch->findChild<QPushButton*>("start"), Qt::LeftButton);
        QVERIFY(launched.wait(180000));
        const QString cache = QString::fromStdString((dir / "desk" / "fra-test" / "r1").string());
        QCOMPARE(launched.first().at(0).toString(), cache);
        QVERIFY(fs::exists(dir / "server" / "r1" / "heartbeat.json"));

        // listed as running on the host, mirrored by the workbench until the regions view shows heatmaps
        fraui::RunCatalog* catalog = window.catalog();
        QTRY_VERIFY_WITH_TIMEOUT(catalog->rowOf(cache) >= 0, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(catalog->data(catalog->index(catalog->rowOf(cache), fraui::RunCatalog::State)).toString(),
                                  "running on " + QString::fromStdString(fra::hostName()), 20000);
        auto* browser = window.findChild<fraui::RunBrowser*>();
        QVERIFY(browser);
        browser->select(cache);
        QTRY_VERIFY_WITH_TIMEOUT(window.heatmapPanel()->primary()->currentStep() >= 4, 120000);
        QCOMPARE(window.heatmapPanel()->primary()->regions(), 4);
        QCOMPARE(window.heatmapPanel()->primary()->faces().size(), 3);
        QDir().mkpath(FRA_TEST_ARTIFACTS);
        if (auto* tabs = window.findChild<QTabWidget*>())
            for (int i = 0; i < tabs->count(); ++i)
                if (tabs->tabText(i).contains("regions")) tabs->setCurrentIndex(i);
        QTest::qWait(300);
        window.grab().save(FRA_TEST_ARTIFACTS "/remote-run-regions.png");  // to look at

        // Stop on fra-test, as the browser's menu sends it: stopped there with a checkpoint
        emit browser->remoteCommandRequested(cache, "TERM");
        QTRY_COMPARE_WITH_TIMEOUT(catalog->data(catalog->index(catalog->rowOf(cache), fraui::RunCatalog::State)).toString(),
                                  QString("stopped"), 60000);
        const auto serverRun = fra::RunDirectory::open(dir / "server" / "r1");
        QCOMPARE(QString::fromStdString(serverRun.readStatus().state), QString("stopped"));
        QVERIFY(serverRun.latestCheckpoint().has_value());
    }

    void aRefusedKeyIsOneMessageAndLeavesNothing() {
        TempDir dir;
        SshServer server(dir / "sshd");
        server.useFromThisProcess();
        testimages::writeFolder(dir / "faces", 12, 48);
        fraui::MainWindow window;
        window.setRunsFolder(QString::fromStdString((dir / "desk").string()));
        fraui::LaunchPanel* launch = window.launchPanel();
        fillTinyRun(launch, dir.path(), "fra-badkey", "r2");
        QVERIFY(launch->canStart());
        MessageBoxReader box;  // the warning box: read its text and close it
        QTest::mouseClick(launch->findChild<QPushButton*>("start"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!box.text().isEmpty(), 60000);
        const QString shown = box.text();
        QVERIFY2(shown.contains("Permission denied"), qPrintable(shown));
        QVERIFY2(!shown.contains('\n'), qPrintable(shown));
        QVERIFY(!fs::exists(dir / "desk" / "fra-badkey" / "r2"));
        QVERIFY(!fs::exists(dir / "server" / "r2"));
    }
};

QTEST_MAIN(TestRemoteLaunch)
#include "TestRemoteLaunch.moc"
