"""The tour editor (``vtour edit``): staff build, edit and package a tour in the browser.

- :mod:`vtour.edit.document`: tour.yaml as an editable document (ruamel.yaml round trip: comments, key
  order and quoting kept; a save changes only the lines of what was edited), every edit one undo step,
  saves atomic with a backup, refused when the file changed on disk; its problems are `vtour validate`'s.
- :mod:`vtour.edit.server`: the editor's server (``serve_editor``): 127.0.0.1 by default; off loopback
  every request needs the edit token; uploads, source images and package downloads.
- :mod:`vtour.edit.jobs`: the build (a ``vtour build`` subprocess) and the package, in the background.
- :mod:`vtour.edit.app`: the Panel page: the viewer in edit mode, scene, hotspot and model editing, texts
  in every language side by side, live validation, build and package.
"""
