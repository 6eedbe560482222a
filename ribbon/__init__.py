"""The Excel ribbon and its `.xlam` build: buttons.toml -> customUI.xml, Tieout.bas -> vbaProject.bin -> Tieout.xlam.

Build-time code only (run from the repository: `python -m tieout.ribbon.build_xlam`); nothing here is imported by the
server at run time. The add-in reads the same button list through `tieout.ribbon.buttons.load_ribbon`.
"""
