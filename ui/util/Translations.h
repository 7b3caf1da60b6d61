#pragma once
#include <QLocale>
#include <QStringList>

namespace fraui {

// The folders searched for fra-workbench_<language>.qm, first match wins: $FRA_TRANSLATIONS_DIR,
// then translations/ in each of ResourceLocator's folders ($FRA_RESOURCE_DIR, the installed data
// folder, the source tree's resources of a build).
QStringList translationFolders();
// Installs the workbench's translation for `locale` (and Qt's own, for its standard dialogs) into
// the application. Returns the files loaded.
QStringList installTranslations(const QLocale& locale = QLocale());

}  // namespace fraui
