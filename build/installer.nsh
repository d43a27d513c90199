; NSIS additions (electron-builder.yml nsis.include): declares the sip:, sips: and tel: URL
; protocols in the registry at install time, so that a per-machine install (SHCTX = HKLM) routes
; links to the phone for every user before anyone has started it. The app still calls
; app.setAsDefaultProtocolClient at run time (HKCU), which wins for that user.
; On uninstall a scheme is removed only while it still points to this installation.

!macro softphoneRegisterScheme SCHEME DESCRIPTION
  WriteRegStr SHCTX "Software\Classes\${SCHEME}" "" "URL:${DESCRIPTION}"
  WriteRegStr SHCTX "Software\Classes\${SCHEME}" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\${SCHEME}\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHCTX "Software\Classes\${SCHEME}\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
!macroend

!macro softphoneUnregisterScheme SCHEME
  ReadRegStr $0 SHCTX "Software\Classes\${SCHEME}\shell\open\command" ""
  StrCmp $0 '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"' 0 +2
    DeleteRegKey SHCTX "Software\Classes\${SCHEME}"
!macroend

!macro customInstall
  !insertmacro softphoneRegisterScheme "sip" "SIP call"
  !insertmacro softphoneRegisterScheme "sips" "SIP call"
  !insertmacro softphoneRegisterScheme "tel" "Telephone number"
!macroend

!macro customUnInstall
  !insertmacro softphoneUnregisterScheme "sip"
  !insertmacro softphoneUnregisterScheme "sips"
  !insertmacro softphoneUnregisterScheme "tel"
!macroend
