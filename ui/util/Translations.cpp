#include "util/Translations.h"

#include "util/ResourceLocator.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QTranslator>

namespace fraui {

QStringList translationFolders() {
    QStringList folders;
    const QString env = qEnvironmentVariable("FRA_TRANSLATIONS_DIR");
    if (!env.isEmpty()) folders << env;
    for (const auto& dir : fra::ResourceLocator::searchPath())
        folders << QDir(QString::fromStdString(dir.string())).filePath("translations");
    return folders;
}

QStringList installTranslations(const QLocale& locale) {
    QStringList loaded;
    auto* qt = new QTranslator(QCoreApplication::instance());
    if (qt->load(locale, "qtbase", "_", QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt);
        loaded << qt->filePath();
    } else {
        delete qt;
    }
    for (const QString& folder : translationFolders()) {
        auto* own = new QTranslator(QCoreApplication::instance());
        if (own->load(locale, "fra-workbench", "_", folder)) {
            QCoreApplication::installTranslator(own);
            loaded << own->filePath();
            break;
        }
        delete own;
    }
    return loaded;
}

}  // namespace fraui
