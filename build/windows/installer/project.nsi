Unicode true

####
## Please note: Template replacements don't work in this file. They are provided with default defines like
## mentioned underneath.
## If the keyword is not defined, "wails_tools.nsh" will populate them with the values from ProjectInfo.
## If they are defined here, "wails_tools.nsh" will not touch them. This allows to use this project.nsi manually
## from outside of Wails for debugging and development of the installer.
##
## For development first make a wails nsis build to populate the "wails_tools.nsh":
## > wails build --target windows/amd64 --nsis
## Then you can call makensis on this file with specifying the path to your binary:
## For a AMD64 only installer:
## > makensis -DARG_WAILS_AMD64_BINARY=..\..\bin\app.exe
## For a ARM64 only installer:
## > makensis -DARG_WAILS_ARM64_BINARY=..\..\bin\app.exe
## For a installer with both architectures:
## > makensis -DARG_WAILS_AMD64_BINARY=..\..\bin\app-amd64.exe -DARG_WAILS_ARM64_BINARY=..\..\bin\app-arm64.exe
####
## The following information is taken from the ProjectInfo file, but they can be overwritten here.
####
## !define INFO_PROJECTNAME    "MyProject" # Default "{{.Name}}"
## !define INFO_COMPANYNAME    "MyCompany" # Default "{{.Info.CompanyName}}"
## !define INFO_PRODUCTNAME    "MyProduct" # Default "{{.Info.ProductName}}"
## !define INFO_PRODUCTVERSION "1.0.0"     # Default "{{.Info.ProductVersion}}"
## !define INFO_COPYRIGHT      "Copyright" # Default "{{.Info.Copyright}}"
###
## !define PRODUCT_EXECUTABLE  "Application.exe"      # Default "${INFO_PROJECTNAME}.exe"
## !define UNINST_KEY_NAME     "UninstKeyInRegistry"  # Default "${INFO_COMPANYNAME}${INFO_PRODUCTNAME}"
####
## !define REQUEST_EXECUTION_LEVEL "admin"            # Default "admin"  see also https://nsis.sourceforge.io/Docs/Chapter4.html
####
## Include the wails tools
####
!include "wails_tools.nsh"

## Billie: scripts/release.sh runs makensis itself around the signed exe with
## -DINFO_PRODUCTVERSION=x.y.z (numbers only, from VERSION) -DBILLIE_VERSION=<full VERSION>
## -DOUTFILE=<path>. Wails' own run (wails build -nsis) uses the defaults.
!ifndef BILLIE_VERSION
  !define BILLIE_VERSION "${INFO_PRODUCTVERSION}"
!endif

# The version information for this two must consist of 4 parts
VIProductVersion "${INFO_PRODUCTVERSION}.0"
VIFileVersion    "${INFO_PRODUCTVERSION}.0"

VIAddVersionKey "CompanyName"     "${INFO_COMPANYNAME}"
VIAddVersionKey "FileDescription" "${INFO_PRODUCTNAME} Installer"
VIAddVersionKey "ProductVersion"  "${BILLIE_VERSION}"
VIAddVersionKey "FileVersion"     "${INFO_PRODUCTVERSION}"
VIAddVersionKey "LegalCopyright"  "${INFO_COPYRIGHT}"
VIAddVersionKey "ProductName"     "${INFO_PRODUCTNAME}"

# Enable HiDPI support. https://nsis.sourceforge.io/Reference/ManifestDPIAware
ManifestDPIAware true

!include "MUI.nsh"

!define MUI_ICON "..\icon.ico"
!define MUI_UNICON "..\icon.ico"
# !define MUI_WELCOMEFINISHPAGE_BITMAP "resources\leftimage.bmp" #Include this to add a bitmap on the left side of the Welcome Page. Must be a size of 164x314
!define MUI_FINISHPAGE_NOAUTOCLOSE # Wait on the INSTFILES page so the user can take a look into the details of the installation steps
!define MUI_ABORTWARNING # This will warn the user if they exit from the installer.

!insertmacro MUI_PAGE_WELCOME # Welcome to the installer page.
# !insertmacro MUI_PAGE_LICENSE "resources\eula.txt" # Adds a EULA page to the installer
!insertmacro MUI_PAGE_DIRECTORY # In which folder install page.
!insertmacro MUI_PAGE_INSTFILES # Installing page.
!insertmacro MUI_PAGE_FINISH # Finished installation page.

!insertmacro MUI_UNPAGE_INSTFILES # Uinstalling page

!insertmacro MUI_LANGUAGE "English" # Set the Language of the installer

## The following two statements can be used to sign the installer and the uninstaller. The path to the binaries are provided in %1
#!uninstfinalize 'signtool --file "%1"'
#!finalize 'signtool --file "%1"'

Name "${INFO_PRODUCTNAME}"
!ifdef OUTFILE
  OutFile "${OUTFILE}"
!else
  OutFile "..\..\bin\${INFO_PROJECTNAME}-${ARCH}-installer.exe" # Name of the installer's file.
!endif
!ifdef WAILS_INSTALL_SCOPE
  !if "${WAILS_INSTALL_SCOPE}" == "user"
    InstallDir "$LOCALAPPDATA\Programs\${INFO_PRODUCTNAME}"
  !else
    InstallDir "$PROGRAMFILES64\${INFO_COMPANYNAME}\${INFO_PRODUCTNAME}"
  !endif
!else
  InstallDir "$PROGRAMFILES64\${INFO_COMPANYNAME}\${INFO_PRODUCTNAME}"
!endif # Default installing folder ($PROGRAMFILES is Program Files folder).
ShowInstDetails show # This will always show the installation details.

## Billie: silent-install parameters, written as the machine's defaults (docs/deploy.md):
##   "Billie-Supervisor-Setup-x.y.z-amd64.exe" /S /BACKEND=https://billie.example.com /REDIS=rediss://redis.example.com:6380/0 /STREAM=chatLedger
## Each is optional; with none, an existing defaults file is left as it is. The app checks
## the values when it starts and shows a problem on its settings screen.
Var DefaultsBackend
Var DefaultsRedis
Var DefaultsStream

Function .onInit
   !insertmacro wails.checkArchitecture
   ${GetParameters} $R0
   ClearErrors
   ${GetOptions} $R0 "/BACKEND=" $DefaultsBackend
   ${GetOptions} $R0 "/REDIS=" $DefaultsRedis
   ${GetOptions} $R0 "/STREAM=" $DefaultsStream
   ClearErrors
   Push $DefaultsBackend
   Call CheckJSONSafe
   Push $DefaultsRedis
   Call CheckJSONSafe
   Push $DefaultsStream
   Call CheckJSONSafe
FunctionEnd

# A value goes into a JSON string as is: refuse quotes, backslashes and control characters
# (exit code 2 in a silent install) rather than write a file the app would ignore.
Function CheckJSONSafe
   Exch $0
   Push $1
   Push $2
   StrCpy $1 0
   loop:
      StrCpy $2 $0 1 $1
      StrCmp $2 "" done
      StrCmp $2 '"' bad
      StrCmp $2 "\" bad
      IntOp $1 $1 + 1
      Goto loop
   bad:
      IfSilent +2
      MessageBox MB_OK|MB_ICONSTOP "Installer parameter value $\"$0$\" may not contain quotes or backslashes."
      SetErrorLevel 2
      Quit
   done:
   Pop $2
   Pop $1
   Pop $0
FunctionEnd

# Writes %ProgramData%\Billie Supervisor\defaults.json from the parameters given. The folder
# is writable by administrators and SYSTEM only, readable by users: any user could otherwise
# plant defaults (a backend URL) for the others on a shared computer.
Function WriteMachineDefaults
   ReadEnvStr $0 ProgramData
   StrCmp $0 "" 0 +2
   StrCpy $0 "C:\ProgramData"
   StrCpy $0 "$0\Billie Supervisor"
   CreateDirectory $0
   nsExec::Exec 'icacls "$0" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX'
   Pop $1
   StrCmp "$DefaultsBackend$DefaultsRedis$DefaultsStream" "" written
   StrCpy $2 ""
   StrCmp $DefaultsBackend "" +2
   StrCpy $2 '$2,$\r$\n  "backendUrl": "$DefaultsBackend"'
   StrCmp $DefaultsRedis "" +2
   StrCpy $2 '$2,$\r$\n  "redisUrl": "$DefaultsRedis"'
   StrCmp $DefaultsStream "" +2
   StrCpy $2 '$2,$\r$\n  "stream": "$DefaultsStream"'
   StrCpy $2 $2 "" 1 ; the leading comma
   FileOpen $3 "$0\defaults.json" w
   FileWrite $3 "{$2$\r$\n}$\r$\n"
   FileClose $3
   DetailPrint "Machine defaults written to $0\defaults.json"
   written:
FunctionEnd

Section
    !insertmacro wails.setShellContext

    !insertmacro wails.webview2runtime

    SetOutPath $INSTDIR

    !insertmacro wails.files

    Call WriteMachineDefaults

    CreateShortcut "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk" "$INSTDIR\${PRODUCT_EXECUTABLE}"
    CreateShortCut "$DESKTOP\${INFO_PRODUCTNAME}.lnk" "$INSTDIR\${PRODUCT_EXECUTABLE}"

    !insertmacro wails.associateFiles
    !insertmacro wails.associateCustomProtocols

    !insertmacro wails.writeUninstaller
SectionEnd

Section "uninstall"
    !insertmacro wails.setShellContext

    RMDir /r "$AppData\${PRODUCT_EXECUTABLE}" # Remove the WebView2 DataPath

    RMDir /r $INSTDIR
    # %ProgramData%\Billie Supervisor (the machine's defaults) stays: it is the administrator's.

    Delete "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk"
    Delete "$DESKTOP\${INFO_PRODUCTNAME}.lnk"

    !insertmacro wails.unassociateFiles
    !insertmacro wails.unassociateCustomProtocols

    !insertmacro wails.deleteUninstaller
SectionEnd
