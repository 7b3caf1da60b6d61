#include "util/RunColours.h"
#include "util/Theme.h"

#include <QSet>
#include <QtTest>

class TestRunColours : public QObject {
    Q_OBJECT
private slots:
    void tenRunsGetTenColoursAndKeepThem() {
        QStringList runs;
        for (int i = 0; i < 10; ++i) runs << QString("/runs/distinct-%1").arg(i);
        QMap<QString, QColor> first;
        QSet<QRgb> distinct;
        for (const auto& run : runs) {
            first[run] = fraui::runColour(run);
            distinct.insert(first[run].rgb());
        }
        QCOMPARE(distinct.size(), 10);
        for (const auto& run : runs) QCOMPARE(fraui::runColour(run), first[run]);  // asked again: the same

        // one leaves, two arrive: the others keep theirs, the first newcomer takes the freed colour
        const QColor freed = first["/runs/distinct-3"];
        fraui::releaseRunColour("/runs/distinct-3");
        const QColor newcomer = fraui::runColour("/runs/distinct-new");
        QCOMPARE(newcomer, freed);
        const QColor another = fraui::runColour("/runs/distinct-another");
        QVERIFY(!distinct.contains(another.rgb()));
        for (const auto& run : runs)
            if (run != "/runs/distinct-3") QCOMPARE(fraui::runColour(run), first[run]);

        for (const auto& run : runs + QStringList{"/runs/distinct-new", "/runs/distinct-another"}) fraui::releaseRunColour(run);
    }

    // many runs: one colour each, every one a line visible on white and on a dark grey
    void manyRunsStayDistinctAndReadOnLightAndDark() {
        QStringList runs;
        QSet<QRgb> distinct;
        for (int i = 0; i < 30; ++i) runs << QString("/runs/many-%1").arg(i);
        for (const auto& run : runs) distinct.insert(fraui::runColour(run).rgb());
        QCOMPARE(distinct.size(), 30);
        for (const auto& run : runs) {
            const QColor c = fraui::runColour(run);
            QVERIFY2(fraui::contrastRatio(c, Qt::white) >= 3.0, qPrintable(c.name()));
            QVERIFY2(fraui::contrastRatio(c, QColor(0x2b, 0x2b, 0x2b)) >= 2.6, qPrintable(c.name()));
            QVERIFY2(fraui::contrastRatio(c, QColor(0x23, 0x23, 0x23)) >= 2.8, qPrintable(c.name()));
        }
        for (const auto& run : runs) fraui::releaseRunColour(run);
    }

    void toneColoursAreReadableOnEitherBackground() {
        QCOMPARE(fraui::contrastRatio(Qt::black, Qt::white), 21.0);
        for (const QColor background : {QColor(Qt::white), QColor(239, 239, 239), QColor(42, 42, 42), QColor(25, 25, 25)})
            for (auto tone : {fraui::Tone::Error, fraui::Tone::Good, fraui::Tone::Warning, fraui::Tone::Caution})
                QVERIFY2(fraui::contrastRatio(fraui::toneColour(tone, background), background) >= 4.5, qPrintable(background.name()));
    }
};

QTEST_MAIN(TestRunColours)
#include "TestRunColours.moc"
