Attribute VB_Name = "Tieout"
' Tieout: the one callback of the Reconcile ribbon tab (ribbon/customUI.xml).
'
' Every button's onAction is "Tieout.TieoutButton". It hands the pressed control's id (for example
' "btnAutoMatch") to Python, where tieout.addin.dispatch picks the handler named in ribbon/buttons.toml.
' RunPython comes from the xlwings module that the build puts into the same add-in; it runs the
' interpreter named on the add-in's hidden "tieout.conf" sheet (see ribbon/README.md).
Option Explicit

Public Sub TieoutButton(control As IRibbonControl)
    RunPython "import tieout.addin.dispatch as d; d.dispatch('" & control.Id & "')"
End Sub
