"""The tour editor's own words, in English and Chinese (:data:`LABELS`).

Every Chinese word is followed by its English in parentheses ("添加场景 (Add scene)"), so that the
accessible name of every control holds its English word in either language and tests can drive the
page by it. Templates take ``str.format`` fields: ``{lang}`` a tour language code, ``{id}`` a scene or
model id, ``{n}`` a count.
"""

from __future__ import annotations

#: The editor's words per UI language. English is complete; any key missing in another language falls back
#: to English (:func:`labels_for`).
# fmt: off
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "heading": "vtour editor", "editor": "Tour editor", "unsaved": "unsaved changes",
        "saved": "all changes saved", "language": "Editor language", "undo": "Undo", "redo": "Redo", "save": "Save",
        "reload": "Reload from disk", "build": "Build", "package": "Package", "status": "Status", "scenes": "Scenes",
        "sceneList": "Scenes of the tour", "start": "(start)", "notBuilt": "(not built)", "moveUp": "Move scene up",
        "moveDown": "Move scene down", "sceneId": "Scene id", "sceneTitle": "Scene title ({lang})",
        "rename": "Rename scene", "setStart": "Make start scene", "delete": "Delete scene",
        "confirmDelete": "Confirm delete", "cancel": "Cancel",
        "deleteQuestion": "Delete scene {id}? {n} links to it will be removed.", "panoramaFiles": "Panorama files",
        "addScene": "Add scene", "upload": "Upload panorama", "uploading": "Uploading {name} ({done} of {n})…",
        "uploaded": "Uploaded: {names}", "noScenes": "The tour has no scenes yet: add one from a panorama file.",
        "models": "Models", "modelList": "Models of the tour", "modelFile": "Model file", "addModel": "Add model",
        "modelTitle": "Model title ({lang})", "units": "Units", "deleteModel": "Delete model",
        "provenance": "Provenance", "date": "Date", "dimensions": "Dimensions", "licence": "Licence",
        "credit": "Credit", "noModels": "No models.", "preview": "Preview", "tools": "Hotspot tools",
        "addLink": "Add link", "addInfo": "Add info", "addModelHotspot": "Add model hotspot",
        "armed": "Click in the panorama (or press Enter on it) to place it.",
        "unarmed": "Choose a kind of hotspot, then click in the panorama where it goes.",
        "otherWindow": "The tour was changed in another window meanwhile: this page now shows it. Check, then do "
                       "the edit again.", "setView": "Set start view",
        "minFov": "Min zoom (fov)", "maxFov": "Max zoom (fov)", "north": "North offset", "apply": "Apply",
        "notBuiltYet": "This scene is not built yet: press Build to preview it.",
        "noBuild": "The tour is not built yet: press Build to preview it.", "floorplan": "Floor plan",
        "planHelp": "Click the plan to place the selected scene on it.", "planX": "Plan x",
        "planImage": "Floor plan image", "planY": "Plan y",
        "planClear": "Remove from plan", "viewSet": "Start view of {id} set to yaw {yaw}, pitch {pitch}, fov {fov}.",
        "hotspot": "Hotspot", "noHotspot": "No hotspot selected: choose one in the preview, or add one.",
        "hotspotOf": "Hotspot {n} of scene {id}", "type": "Type", "link": "link", "info": "info", "model": "model",
        "yaw": "Yaw", "pitch": "Pitch", "targetScene": "Target scene", "reverse": "Add reverse link",
        "targetModel": "Target model", "title": "Title ({lang})", "text": "Text ({lang})", "missing": "missing",
        "image": "Image", "deepZoom": "deep zoom",
        "url": "Link URL", "deleteHotspot": "Delete hotspot", "none": "(none)",
        "problems": "Problems", "problemList": "Problems found by validation", "noProblems": "No problems",
        "buildHeading": "Build", "progress": "Build progress", "log": "Build log",
        "idle": "Not built in this session.", "running": "Building… {percent} %", "done": "Built in {seconds} s.",
        "failed": "The build failed: {error}", "packageHeading": "Package", "kiosk": "Kiosk",
        "kioskBehaviour": "Kiosk behaviour (saved in tour.yaml)", "idleSeconds": "Idle before countdown (s)",
        "countdownSeconds": "Countdown (s)", "attractScenes": "Attract scenes (none ticked: every scene)",
        "secondsPerScene": "Seconds per attract scene", "attractNarration": "Attract narration",
        "thisPackage": "This package only (not saved)", "pin": "Staff exit PIN (digits)",
        "pinInvalid": "The staff exit PIN must be 4 to 12 digits (or empty: no staff exit).",
        "dailyRestart": "Daily restart (HH:MM)", "download": "Download package",
        "buildFirst": "Build first: there is no built tour to package.", "packaging": "Packaging…",
        "packaged": "Package written: {name}", "packageFailed": "Packaging failed: {error}",
        "conflict": "tour.yaml changed on disk since it was loaded: nothing was saved",
        "changedOnDisk": "tour.yaml changed on disk since it was loaded: reload it, or your next save is refused",
        "confirmReload": "Discard your unsaved changes and reload tour.yaml from disk?",
        "confirmReloadButton": "Confirm reload", "reloaded": "Reloaded tour.yaml from disk.",
        "savedTo": "Saved {path} (the previous version is tour.yaml.bak).", "nothingToUndo": "Nothing to undo.",
        "nothingToRedo": "Nothing to redo.", "undone": "Undone.", "redone": "Redone.", "added": "Added {what}.",
        "sceneDeleted": "Deleted scene {id} and {n} links to it.",
    },
    "zh": {
        "heading": "vtour 编辑器 (vtour editor)", "editor": "导览编辑器 (Tour editor)",
        "unsaved": "有未保存的更改 (unsaved changes)", "saved": "所有更改已保存 (all changes saved)",
        "language": "编辑器语言 (Editor language)", "undo": "撤销 (Undo)", "redo": "重做 (Redo)", "save": "保存 (Save)",
        "reload": "从磁盘重新加载 (Reload from disk)", "build": "构建 (Build)", "package": "打包 (Package)",
        "status": "状态 (Status)", "scenes": "场景 (Scenes)", "sceneList": "导览的场景 (Scenes of the tour)",
        "start": "（起始）(start)", "notBuilt": "（未构建）(not built)", "moveUp": "场景上移 (Move scene up)",
        "moveDown": "场景下移 (Move scene down)", "sceneId": "场景标识 (Scene id)",
        "sceneTitle": "场景标题 {lang} (Scene title ({lang}))", "rename": "重命名场景 (Rename scene)",
        "setStart": "设为起始场景 (Make start scene)", "delete": "删除场景 (Delete scene)",
        "confirmDelete": "确认删除 (Confirm delete)", "cancel": "取消 (Cancel)",
        "deleteQuestion": "删除场景 {id}？将移除 {n} 个指向它的链接。"
                          "(Delete scene {id}? {n} links to it will be removed.)",
        "panoramaFiles": "全景图文件 (Panorama files)", "addScene": "添加场景 (Add scene)",
        "upload": "上传全景图 (Upload panorama)", "uploading": "正在上传 {name}（{done}/{n}）… (Uploading)",
        "uploaded": "已上传 (Uploaded)：{names}",
        "noScenes": "导览还没有场景：请从全景图文件添加。(The tour has no scenes yet.)", "models": "模型 (Models)",
        "modelList": "导览的模型 (Models of the tour)", "modelFile": "模型文件 (Model file)",
        "addModel": "添加模型 (Add model)", "modelTitle": "模型标题 {lang} (Model title ({lang}))",
        "units": "单位 (Units)", "deleteModel": "删除模型 (Delete model)", "provenance": "来源 (Provenance)",
        "date": "日期 (Date)", "dimensions": "尺寸 (Dimensions)", "licence": "许可 (Licence)",
        "credit": "署名 (Credit)", "noModels": "没有模型。(No models.)", "preview": "预览 (Preview)",
        "tools": "热点工具 (Hotspot tools)", "addLink": "添加链接 (Add link)", "addInfo": "添加信息 (Add info)",
        "addModelHotspot": "添加模型热点 (Add model hotspot)",
        "armed": "请在全景图中点击（或在其上按回车键）放置。(Click in the panorama to place it.)",
        "unarmed": "请选择热点类型，然后在全景图中点击放置位置。",
        "otherWindow": "导览已在另一个窗口中被修改：本页现已显示最新内容。请检查后重新编辑。"
                       "(Changed in another window.)",
        "setView": "设置起始视角 (Set start view)", "minFov": "最小视场 (Min zoom (fov))",
        "maxFov": "最大视场 (Max zoom (fov))", "north": "北向偏移 (North offset)", "apply": "应用 (Apply)",
        "notBuiltYet": "此场景尚未构建：请按“构建”预览。(This scene is not built yet: press Build to preview it.)",
        "noBuild": "导览尚未构建：请按“构建”预览。(The tour is not built yet: press Build to preview it.)",
        "floorplan": "平面图 (Floor plan)",
        "planHelp": "点击平面图放置所选场景。(Click the plan to place the selected scene.)",
        "planX": "平面图 x (Plan x)",
        "planImage": "平面图图片 (Floor plan image)", "planY": "平面图 y (Plan y)",
        "planClear": "从平面图移除 (Remove from plan)",
        "viewSet": "{id} 的起始视角已设为 yaw {yaw}、pitch {pitch}、fov {fov}。(Start view set.)",
        "hotspot": "热点 (Hotspot)", "noHotspot": "未选择热点：请在预览中选择或添加。(No hotspot selected.)",
        "hotspotOf": "场景 {id} 的第 {n} 个热点 (Hotspot {n} of scene {id})", "type": "类型 (Type)",
        "link": "链接 (link)", "info": "信息 (info)", "model": "模型 (model)", "yaw": "偏航角 (Yaw)",
        "pitch": "俯仰角 (Pitch)", "targetScene": "目标场景 (Target scene)",
        "reverse": "添加反向链接 (Add reverse link)", "targetModel": "目标模型 (Target model)",
        "title": "标题 {lang} (Title ({lang}))", "text": "文字 {lang} (Text ({lang}))", "missing": "缺失 (missing)",
        "image": "图片 (Image)", "deepZoom": "高清缩放 (deep zoom)",
        "url": "链接网址 (Link URL)", "deleteHotspot": "删除热点 (Delete hotspot)",
        "none": "（无）(none)", "problems": "问题 (Problems)",
        "problemList": "验证发现的问题 (Problems found by validation)", "noProblems": "没有问题 (No problems)",
        "buildHeading": "构建 (Build)", "progress": "构建进度 (Build progress)", "log": "构建日志 (Build log)",
        "idle": "本次会话尚未构建。(Not built in this session.)", "running": "正在构建… {percent} % (Building)",
        "done": "构建完成，用时 {seconds} 秒。(Built.)", "failed": "构建失败 (The build failed)：{error}",
        "packageHeading": "打包 (Package)", "kiosk": "展台模式 (Kiosk)",
        "kioskBehaviour": "展台行为（保存到 tour.yaml）(Kiosk behaviour (saved in tour.yaml))",
        "idleSeconds": "倒计时前的空闲秒数 (Idle before countdown (s))",
        "countdownSeconds": "倒计时秒数 (Countdown (s))",
        "attractScenes": "待机轮播场景（不勾选即全部场景）(Attract scenes (none ticked: every scene))",
        "secondsPerScene": "每个轮播场景的秒数 (Seconds per attract scene)",
        "attractNarration": "轮播时播放解说 (Attract narration)",
        "thisPackage": "仅用于本次打包（不保存）(This package only (not saved))",
        "pin": "工作人员退出密码（数字）(Staff exit PIN (digits))",
        "pinInvalid": "工作人员退出密码须为 4 至 12 位数字（留空则无工作人员退出）。"
                      "(The staff exit PIN must be 4 to 12 digits.)",
        "dailyRestart": "每日重启时间 (Daily restart (HH:MM))",
        "download": "下载包 (Download package)", "buildFirst": "请先构建：没有可打包的已构建导览。(Build first.)",
        "packaging": "正在打包… (Packaging)", "packaged": "已生成包 (Package written)：{name}",
        "packageFailed": "打包失败 (Packaging failed)：{error}",
        "conflict": "tour.yaml 在加载后已在磁盘上被修改：未保存任何内容 "
                    "(tour.yaml changed on disk since it was loaded: nothing was saved)",
        "changedOnDisk": "tour.yaml 在加载后已在磁盘上被修改：请重新加载，否则下次保存将被拒绝 "
                         "(tour.yaml changed on disk since it was loaded)",
        "confirmReload": "放弃未保存的更改并从磁盘重新加载 tour.yaml？(Discard your unsaved changes and reload?)",
        "confirmReloadButton": "确认重新加载 (Confirm reload)", "reloaded": "已从磁盘重新加载 tour.yaml。(Reloaded.)",
        "savedTo": "已保存 {path}（上一版本为 tour.yaml.bak）。(Saved.)",
        "nothingToUndo": "没有可撤销的操作。(Nothing to undo.)",
        "nothingToRedo": "没有可重做的操作。(Nothing to redo.)", "undone": "已撤销。(Undone.)",
        "redone": "已重做。(Redone.)", "added": "已添加 {what}。(Added.)",
        "sceneDeleted": "已删除场景 {id} 及 {n} 个指向它的链接。(Deleted scene {id} and {n} links to it.)",
    },
}
# fmt: on
#: The UI languages offered by the Language select: its option text -> code.
UI_LANGUAGES = {"English": "en", "中文": "zh"}


def labels_for(language: str | None) -> dict[str, str]:
    """The editor's words in ``language`` (by its primary subtag), English for any missing."""
    own = LABELS.get(str(language or "en").split("-")[0], {})
    return {**LABELS["en"], **own}


__all__ = ["LABELS", "UI_LANGUAGES", "labels_for"]
