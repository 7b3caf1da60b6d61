// Every text the workbench shows goes through Qt's translation and every control has an accessible
// name: the build's translation template is turned into a pseudo-translation (each message
// "⟦source⟧"), loaded as a user's language is, and every view, menu and dialog is opened and read.
#include "config/ConfigSchema.h"
#include "data/ImageFolder.h"
#include "data/RunCatalog.h"
#include "downstream/EvalSchema.h"
#include "remote/RemoteRun.h"
#include "run/MetricsLog.h"
#include "run/NpyFile.h"
#include "run/ProbeSet.h"
#include "run/RunDirectory.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "util/Translations.h"
#include "widgets/ConfigForm.h"
#include "widgets/EvaluationPanel.h"
#include "widgets/HeatmapPane.h"
#include "widgets/HeatmapPanel.h"
#include "widgets/LaunchPanel.h"
#include "widgets/MainWindow.h"
#include "widgets/PlotPanel.h"
#include "widgets/RunBrowser.h"

#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QGroupBox>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSlider>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTextDocumentFragment>
#include <QTextEdit>
#include <QTimer>
#include <QToolButton>
#include <QXmlStreamReader>
#include <QXmlStreamWriter>
#include <QtTest>
#include <fstream>
#include <functional>
#include <qcustomplot.h>

namespace fs = std::filesystem;

namespace {
const QChar kOpen(0x27E6), kClose(0x27E7);  // ⟦ ⟧

// The template with every message translated as ⟦source⟧: %1 placeholders and & accelerators kept.
int writePseudoTranslation(const QString& templateFile, const QString& out) {
    QFile in(templateFile);
    QFile ts(out);
    if (!in.open(QIODevice::ReadOnly) || !ts.open(QIODevice::WriteOnly | QIODevice::Truncate)) return -1;
    QXmlStreamReader r(&in);
    QXmlStreamWriter w(&ts);
    w.setAutoFormatting(true);
    w.writeStartDocument();
    w.writeDTD("<!DOCTYPE TS>");
    int messages = 0;
    QString source;
    bool numerus = false;
    while (!r.atEnd()) {
        r.readNext();
        if (r.isStartElement()) {
            if (r.name() == u"source") {
                source = r.readElementText();
                w.writeTextElement("source", source);
                continue;
            }
            if (r.name() == u"translation") {
                w.writeStartElement("translation");
                const QString marked = kOpen + source + kClose;
                if (numerus) {
                    for (int form = 0; form < 2; ++form) w.writeTextElement("numerusform", marked);
                } else {
                    w.writeCharacters(marked);
                }
                w.writeEndElement();
                r.skipCurrentElement();
                ++messages;
                continue;
            }
            if (r.name() == u"message") numerus = r.attributes().value("numerus") == u"yes";
            w.writeStartElement(r.name().toString());
            for (const auto& a : r.attributes())
                if (!(r.name() == u"TS" && a.name() == u"language")) w.writeAttribute(a.name().toString(), a.value().toString());
            if (r.name() == u"TS") w.writeAttribute("language", "eo");
        } else if (r.isEndElement()) {
            w.writeEndElement();
        } else if (r.isCharacters() && !r.isWhitespace()) {
            w.writeCharacters(r.text().toString());
        }
    }
    w.writeEndDocument();
    return r.hasError() ? -1 : messages;
}

// A finished run with 3 probe faces, two heatmap snapshots of K = 4 regions and a Slurm job.
void makeRun(const fs::path& faces, const fs::path& root) {
    const auto run = fra::RunDirectory::create(root, {{"preset", "cpu-r18"}});
    fra::ProbeSet::create(fra::ImageFolder(faces), run, 3, 32, 8);
    for (std::int64_t step : {0, 10}) {
        std::vector<float> maps(3 * 4 * 2 * 2, 0.25f);
        if (step == 10)
            for (int p = 0; p < 3; ++p)
                for (int k = 0; k < 4; ++k)
                    for (int i = 0; i < 4; ++i) maps[(p * 4 + k) * 4 + i] = i == k ? 0.97f : 0.01f;
        fra::writeNpy(run.heatmapPath(step), {3, 4, 2, 2}, maps.data());
        run.appendHeatmapIndex(step, run.heatmapPath(step), {3, 4, 2, 2});
    }
    fra::RunStatus s = run.readStatus();
    s.state = "finished";
    s.step = 10;
    s.totalSteps = 10;
    run.writeStatus(s);
    fra::MetricsWriter w(run.metricsFile());
    for (std::int64_t step = 1; step <= 10; ++step) {
        fra::StepRecord r;
        r.step = step;
        r.loss = 4.0 - 0.1 * step;
        w.append(r);
    }
}

QString describe(const QObject* o) {
    QString d = QString::fromLatin1(o->metaObject()->className());
    if (!o->objectName().isEmpty()) d += " '" + o->objectName() + "'";
    if (const auto* b = qobject_cast<const QAbstractButton*>(o); b && !b->text().isEmpty()) d += " \"" + b->text() + "\"";
    for (const QObject* p = o->parent(); p; p = p->parent()) {
        const QString name = p->objectName().startsWith("qt_") ? QString() : p->objectName();
        if (!name.isEmpty() || QByteArray(p->metaObject()->className()).startsWith("fraui::")) {
            d += " in " + QString::fromLatin1(p->metaObject()->className()) + (name.isEmpty() ? "" : " '" + name + "'");
            break;
        }
    }
    return d;
}

// Parts of another control (a combo box's line edit and list, a spin box's line edit, a view's
// headers, a tab bar's scroll buttons, a line edit's clear button) are that control's, made by Qt.
bool partOfAControl(const QWidget* w) {
    for (const QWidget* p = w->parentWidget(); p; p = p->parentWidget())
        if (qobject_cast<const QComboBox*>(p) || qobject_cast<const QAbstractSpinBox*>(p) || qobject_cast<const QAbstractItemView*>(p) ||
            qobject_cast<const QTabBar*>(p) || qobject_cast<const QLineEdit*>(p))
            return true;
    return false;
}

// Collects every text that is not translated.
class TextCheck {
public:
    TextCheck() {
        // what core/ provides stays as core/ writes it: the settings' labels, groups and help
        for (const auto& f : fra::ConfigSchema::instance().fields()) addCore(f);
        for (const auto& f : fra::EvalSchema::instance().fields()) addCore(f);
    }

    void text(const QObject* where, const char* what, QString text) {
        if (Qt::mightBeRichText(text)) text = QTextDocumentFragment::fromHtml(text).toPlainText();
        text = text.simplified();
        // data: nothing, numbers and symbols only, or a text of core/
        if (text.isEmpty() || std::none_of(text.begin(), text.end(), [](QChar c) { return c.isLetter(); }) || core_.contains(text)) return;
        // letters outside every ⟦…⟧ did not go through a translation
        int depth = 0;
        for (const QChar c : text) {
            if (c == kOpen) ++depth;
            else if (c == kClose) depth = std::max(0, depth - 1);
            else if (depth == 0 && c.isLetter()) {
                problems << QString("%1: %2 \"%3\" is not translated").arg(describe(where), what, text);
                return;
            }
        }
    }

    void menu(const QMenu* m) {
        text(m, "menu title", m->title());
        for (const QAction* a : m->actions()) {
            if (a->isSeparator()) continue;
            text(m, "action", a->text());
            if (a->menu()) menu(a->menu());
        }
    }

    void widget(const QWidget* w) {
        if (partOfAControl(w)) return;
        // Qt's own buttons (dock, menu-bar and dialog buttons) carry Qt's translations
        if (const auto* b = qobject_cast<const QAbstractButton*>(w)) {
            const auto* box = qobject_cast<const QDialogButtonBox*>(w->parentWidget());
            if (w->objectName().startsWith("qt_") || (box && box->standardButton(const_cast<QAbstractButton*>(b)) != QDialogButtonBox::NoButton))
                return;
            text(w, "button text", b->text());
        }
        text(w, "tooltip", w->toolTip());
        text(w, "accessible name", w->accessibleName());
        text(w, "accessible description", w->accessibleDescription());
        if (w->isWindow() || qobject_cast<const QDockWidget*>(w)) text(w, "window title", w->windowTitle());
        if (const auto* l = qobject_cast<const QLabel*>(w)) text(w, "label", l->text());
        if (const auto* g = qobject_cast<const QGroupBox*>(w)) text(w, "group title", g->title());
        if (const auto* e = qobject_cast<const QLineEdit*>(w)) text(w, "placeholder", e->placeholderText());
        if (const auto* e = qobject_cast<const QPlainTextEdit*>(w)) text(w, "placeholder", e->placeholderText());
        if (const auto* t = qobject_cast<const QTabBar*>(w))
            for (int i = 0; i < t->count(); ++i) {
                text(w, "tab", t->tabText(i));
                text(w, "tab tooltip", t->tabToolTip(i));
            }
        if (const auto* v = qobject_cast<const QAbstractItemView*>(w); v && !qobject_cast<const QHeaderView*>(w) && v->model()) {
            if (qobject_cast<const QTableView*>(w))
                for (int c = 0; c < v->model()->columnCount(); ++c) text(w, "column header", v->model()->headerData(c, Qt::Horizontal).toString());
            if (const auto* list = qobject_cast<const QListWidget*>(w))
                for (int i = 0; i < list->count(); ++i) text(w, "list item", list->item(i)->text());
        }
        if (const auto* plot = qobject_cast<const QCustomPlot*>(w)) {
            for (QCPAxis* axis : plot->axisRect()->axes())
                if (axis->visible()) text(w, "axis label", axis->label());
            for (QCPLayoutElement* e : plot->plotLayout()->elements(true))
                if (auto* title = qobject_cast<QCPTextElement*>(e)) text(w, "plot title", title->text());
            for (int i = 0; i < plot->itemCount(); ++i)
                if (auto* label = qobject_cast<QCPItemText*>(plot->item(i))) text(w, "plot label", label->text());
        }
    }

    void tree(const QWidget* root) {
        widget(root);
        for (const QWidget* w : root->findChildren<QWidget*>()) widget(w);
    }

    // A message box or input dialog: Qt's parts are Qt's, the texts in them the workbench's.
    void dialog(const QWidget* d) {
        tree(d);
        if (const auto* box = qobject_cast<const QMessageBox*>(d)) {
            text(d, "message", box->text());
            text(d, "informative text", box->informativeText());
        }
        if (const auto* input = qobject_cast<const QInputDialog*>(d)) text(d, "input label", input->labelText());
    }

    QStringList problems;

private:
    void addCore(const fra::FieldSpec& f) {
        for (const std::string& s : {f.key, f.label, f.group, f.describe()}) core_.insert(QString::fromStdString(s).simplified());
    }
    QSet<QString> core_;
};

// Controls a user operates, each with an accessible name. Parts of a control and Qt's own parts
// (objectName qt_*: a dock's buttons, the menu bar's extension) are named by Qt.
QStringList unnamedControls(const QWidget* root) {
    QStringList problems;
    QList<const QWidget*> all{root};
    for (const QWidget* w : root->findChildren<QWidget*>()) all << w;
    for (const QWidget* w : all) {
        const bool operable = qobject_cast<const QAbstractButton*>(w) || qobject_cast<const QLineEdit*>(w) ||
                              qobject_cast<const QAbstractSpinBox*>(w) || qobject_cast<const QComboBox*>(w) ||
                              qobject_cast<const QSlider*>(w) || (qobject_cast<const QAbstractItemView*>(w) && !qobject_cast<const QHeaderView*>(w)) ||
                              qobject_cast<const QTabWidget*>(w) || qobject_cast<const QPlainTextEdit*>(w) ||
                              qobject_cast<const QTextEdit*>(w) || qobject_cast<const QCustomPlot*>(w) ||
                              qobject_cast<const fraui::HeatmapPane*>(w);
        if (!operable || w->objectName().startsWith("qt_") || partOfAControl(w)) continue;
        if (w->accessibleName().trimmed().isEmpty()) problems << describe(w) + " has no accessible name";
    }
    return problems;
}

// Runs `open` (which shows a modal dialog or a popup menu and waits on it), hands what it shows to
// `check` and closes it.
void whileShown(const std::function<void()>& open, const std::function<void(QWidget*)>& check) {
    bool seen = false;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        QWidget* shown = QApplication::activePopupWidget() ? QApplication::activePopupWidget() : QApplication::activeModalWidget();
        if (!shown || seen) return;
        seen = true;
        check(shown);
        if (auto* d = qobject_cast<QDialog*>(shown)) d->reject();
        else shown->close();
    });
    poll.start(20);
    open();
    QVERIFY2(seen, "nothing was shown");
}

QAction* findAction(QMenuBar* bar, const QString& source) {
    for (QAction* menu : bar->actions())
        if (menu->menu())
            for (QAction* a : menu->menu()->actions())
                if (a->text() == kOpen + source + kClose) return a;
    return nullptr;
}
}  // namespace

class TestTranslations : public QObject {
    Q_OBJECT
private slots:
    // the pseudo-translation is made from the build's template and loaded as a user's language is
    void initTestCase() {
        const int messages = writePseudoTranslation(FRA_TRANSLATION_TEMPLATE, translations_.path() + "/fra-workbench_eo.ts");
        QVERIFY2(messages > 100, qPrintable(QString("%1 messages in %2").arg(messages).arg(FRA_TRANSLATION_TEMPLATE)));
        QProcess lrelease;
        lrelease.setProcessChannelMode(QProcess::MergedChannels);
        lrelease.start(FRA_LRELEASE, {"-silent", translations_.path() + "/fra-workbench_eo.ts", "-qm", translations_.path() + "/fra-workbench_eo.qm"});
        QVERIFY(lrelease.waitForFinished(60000));
        QVERIFY2(lrelease.exitCode() == 0, lrelease.readAll().constData());
        qputenv("FRA_TRANSLATIONS_DIR", translations_.path().toLocal8Bit());
        const QStringList loaded = fraui::installTranslations(QLocale(QLocale::Esperanto));
        QVERIFY2(loaded.contains(translations_.path() + "/fra-workbench_eo.qm"), qPrintable(loaded.join(", ")));
        QCOMPARE(fraui::MainWindow::tr("FRA Workbench"), kOpen + QString("FRA Workbench") + kClose);

        testimages::writeFolder(dir_ / "faces", 5, 48);
        makeRun(dir_ / "faces", dir_ / "runs" / "alpha");
        fs::create_directories(dir_ / "runs" / "alpha" / fra::kSubmissionFolder);
        std::ofstream(dir_ / "runs" / "alpha" / fra::kSubmissionFolder / "submission.json") << R"({"job_id": "12"})";
        makeRun(dir_ / "faces", dir_ / "runs" / "beta");  // a mirror of a run on an ssh host
        fra::RemoteRunEntry mirror;
        mirror.host.alias = "nohost.invalid";
        mirror.remoteRun = "runs/beta";
        mirror.write(dir_ / "runs" / "beta");
    }

    void everyTextIsTranslated() {
        fraui::MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        openEverything(window);
        if (QTest::currentTestFailed()) return;
        TextCheck check;
        fraui::LaunchPanel* launch = window.launchPanel();
        for (const QString& target : {QString(), fraui::LaunchPanel::slurmTarget(), QString("nohost.invalid")}) {
            launch->setTarget(target);  // this machine, a Slurm job, an ssh host: each with its own rows and summary
            check.tree(&window);
        }
        for (QAction* menu : window.menuBar()->actions())
            if (menu->menu()) check.menu(menu->menu());

        // the run browser's menu, on a run here with a Slurm job and on a mirror
        QTableView* runs = window.runBrowser()->view();
        for (int row = 0; row < runs->model()->rowCount(); ++row) {
            const QRect cell = runs->visualRect(runs->model()->index(row, 0));
            whileShown([&] { emit runs->customContextMenuRequested(cell.center()); },
                       [&](QWidget* menu) { check.menu(qobject_cast<QMenu*>(menu)); });
        }
        // dialogs: the help boxes, the intervals, resuming a run
        for (const char* action : {"Keyboard shortcuts", "About FRA Workbench", "Refresh interval…", "Mirror interval…", "Heartbeat threshold…"}) {
            QAction* a = findAction(window.menuBar(), action);
            QVERIFY2(a, action);
            whileShown([a] { a->trigger(); }, [&](QWidget* d) { check.dialog(d); });
        }
        whileShown([&] { emit window.runBrowser()->resumeRequested(QString::fromStdString((dir_ / "runs" / "alpha").string())); },
                   [&](QWidget* d) { check.dialog(d); });
        check.problems.removeDuplicates();
        QVERIFY2(check.problems.isEmpty(), qPrintable("\n" + check.problems.join("\n")));
    }

    void everyControlHasAnAccessibleName() {
        fraui::MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        openEverything(window);
        if (QTest::currentTestFailed()) return;
        window.launchPanel()->setTarget("nohost.invalid");
        const QStringList problems = unnamedControls(&window);
        QVERIFY2(problems.isEmpty(), qPrintable("\n" + problems.join("\n")));
    }

private:
    // Every view with what it shows when it has something to show: the runs, a run's regions
    // side by side with a face enlarged, the settings folded under "Advanced" (one refused).
    void openEverything(fraui::MainWindow& window) {
        window.setRunsFolder(QString::fromStdString((dir_ / "runs").string()));
        QTRY_COMPARE_WITH_TIMEOUT(window.catalog()->rowCount() >= 2, true, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.runBrowser()->view()->isColumnHidden(fraui::RunCatalog::Job), 10000);
        const QString alpha = QString::fromStdString((dir_ / "runs" / "alpha").string());
        window.runBrowser()->select(alpha);
        window.openRun(alpha);
        fraui::HeatmapPanel* regions = window.heatmapPanel();
        QCOMPARE(regions->primary()->regions(), 4);
        regions->findChild<QComboBox*>("compare")->setCurrentIndex(1);
        regions->primary()->showEnlarged(0);
        fraui::ConfigForm* form = window.launchPanel()->form();
        for (QToolButton* toggle : form->findChildren<QToolButton*>())
            if (toggle->objectName().startsWith("advancedToggle:")) toggle->setChecked(true);
        for (const auto& f : fra::ConfigSchema::instance().fields())
            if (auto* line = qobject_cast<QLineEdit*>(form->editor(QString::fromStdString(f.key))); line && f.advanced) {
                line->setText("not a value");
                emit line->textEdited(line->text());
                break;
            }
        for (int i = 0; i < window.tabs()->count(); ++i) {
            window.tabs()->setCurrentIndex(i);
            QTest::qWait(50);
        }
        window.plotPanel()->redrawNow();
    }

    QTemporaryDir translations_;
    TempDir dir_;
};

QTEST_MAIN(TestTranslations)
#include "TestTranslations.moc"
