#include "data/RunCatalog.h"
#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "run/RunLock.h"
#include "run/RunNotes.h"
#include "support/TempDir.h"

#include <QSignalSpy>
#include <QtTest>

namespace {
void makeRun(const std::filesystem::path& root, const std::string& state, std::vector<double> losses) {
    const auto run = fra::RunDirectory::create(root, {{"preset", "cpu-r18"}});
    fra::RunStatus s = run.readStatus();
    s.state = state;
    s.step = static_cast<std::int64_t>(losses.size());
    s.totalSteps = 100;
    run.writeStatus(s);
    fra::MetricsWriter w(run.metricsFile());
    for (std::size_t i = 0; i < losses.size(); ++i) {
        fra::StepRecord r;
        r.step = static_cast<std::int64_t>(i + 1);
        r.loss = losses[i];
        w.append(r);
    }
}
}  // namespace

class TestRunCatalog : public QObject {
    Q_OBJECT
private slots:
    void scansSummarisesAndEditsNotes() {
        TempDir dir;
        makeRun(dir / "runs" / "alpha", "finished", {4.0, 3.0, 3.5});
        makeRun(dir / "runs" / "beta", "running", {4.1});  // nobody holds its lock: killed
        std::filesystem::create_directories(dir / "runs" / "not-a-run");
        fraui::RunCatalog catalog;
        QSignalSpy refreshed(&catalog, &fraui::RunCatalog::refreshed);
        catalog.setFolders({QString::fromStdString((dir / "runs").string())});
        QVERIFY(refreshed.wait(5000));
        QCOMPARE(catalog.rowCount(), 2);
        const int alpha = catalog.rowOf(QString::fromStdString((dir / "runs" / "alpha").string()));
        QVERIFY(alpha >= 0);
        QCOMPARE(catalog.data(catalog.index(alpha, fraui::RunCatalog::State)).toString(), QString("finished"));
        QCOMPARE(catalog.data(catalog.index(alpha, fraui::RunCatalog::BestLoss)).toString(), QString("3.0000"));
        QCOMPARE(catalog.data(catalog.index(alpha, fraui::RunCatalog::LastLoss)).toString(), QString("3.5000"));
        QCOMPARE(catalog.data(catalog.index(alpha, fraui::RunCatalog::Progress)).toString(), QString("3 / 100"));
        const int beta = catalog.rowOf(QString::fromStdString((dir / "runs" / "beta").string()));
        QCOMPARE(catalog.data(catalog.index(beta, fraui::RunCatalog::State)).toString(), QString("interrupted"));

        // notes and tags are saved to notes.json, never into run.json
        QVERIFY(catalog.setData(catalog.index(alpha, fraui::RunCatalog::Notes), "lambda_r 0.2 looks better"));
        QVERIFY(catalog.setData(catalog.index(alpha, fraui::RunCatalog::Tags), "ablation, sr"));
        const fra::RunNotes notes = fra::RunNotes::load(dir / "runs" / "alpha");
        QCOMPARE(QString::fromStdString(notes.notes), QString("lambda_r 0.2 looks better"));
        QCOMPARE(notes.tags.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(notes.tags[1]), QString("sr"));

        // a live run (its lock held) and a new run appear on the next refresh
        fra::RunLock lock(dir / "runs" / "beta");
        makeRun(dir / "runs" / "gamma", "created", {});
        catalog.refresh();
        QVERIFY(refreshed.wait(5000));
        QCOMPARE(catalog.rowCount(), 3);
        QCOMPARE(catalog.data(catalog.index(beta, fraui::RunCatalog::State)).toString(), QString("running"));
        QCOMPARE(catalog.data(catalog.index(beta, 0), fraui::RunCatalog::LiveRole).toBool(), true);
    }
};

QTEST_GUILESS_MAIN(TestRunCatalog)
#include "TestRunCatalog.moc"
