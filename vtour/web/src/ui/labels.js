/** The viewer's own interface words, per language; tour text comes from tour.json instead. */
export const LABELS = {
  en: { gallery: "Scenes", floorplan: "Floor plan", fullscreen: "Full screen", language: "Language", close: "Close", viewer: "Panorama viewer",
        loading: "Loading…", viewerFailed: "Could not load the 3D viewer",
        zoomIn: "Zoom in", zoomOut: "Zoom out", resetView: "Show the whole image", imageView: "Deep-zoom image: {title}",
        imageKeys: "+ and - (or Shift with the up and down arrows, W or S) zoom, arrow keys or W A S D move, 0 shows the whole image",
        imageFailed: "Could not load the image", annotationsFailed: "The notes on this image could not be loaded",
        annotations: "Details of the image", images: "Images",
        narrationPlay: "Play the narration", narrationStop: "Stop the narration" },
  zh: { gallery: "场景", floorplan: "平面图", fullscreen: "全屏", language: "语言", close: "关闭", viewer: "全景查看器", loading: "加载中…",
        viewerFailed: "无法加载三维查看器",
        zoomIn: "放大", zoomOut: "缩小", resetView: "显示整幅图像", imageView: "高清图像：{title}",
        imageKeys: "+ 和 -（或 Shift 加上下方向键、W 或 S）缩放，方向键或 W A S D 移动，0 显示整幅图像", imageFailed: "无法加载图像",
        annotationsFailed: "无法加载此图像的注释",
        annotations: "图像细节", images: "图像",
        narrationPlay: "播放讲解", narrationStop: "停止讲解" },
  fr: { gallery: "Scènes", floorplan: "Plan", fullscreen: "Plein écran", language: "Langue", close: "Fermer", viewer: "Visionneuse panoramique",
        loading: "Chargement…", viewerFailed: "Impossible de charger la visionneuse 3D",
        zoomIn: "Zoom avant", zoomOut: "Zoom arrière", resetView: "Voir toute l’image", imageView: "Image haute définition : {title}",
        imageKeys: "+ et - (ou Maj avec les flèches haut et bas, W ou S) zooment, les flèches ou W A S D déplacent, 0 montre toute l’image",
        imageFailed: "Impossible de charger l’image", annotationsFailed: "Les notes de cette image n’ont pas pu être chargées",
        annotations: "Détails de l’image", images: "Images",
        narrationPlay: "Écouter le commentaire", narrationStop: "Arrêter le commentaire" },
  de: { gallery: "Szenen", floorplan: "Grundriss", fullscreen: "Vollbild", language: "Sprache", close: "Schließen", viewer: "Panorama-Ansicht",
        loading: "Wird geladen…", viewerFailed: "Die 3D-Ansicht konnte nicht geladen werden",
        zoomIn: "Vergrößern", zoomOut: "Verkleinern", resetView: "Ganzes Bild zeigen", imageView: "Hochaufgelöstes Bild: {title}",
        imageKeys: "+ und - (oder Umschalt mit den Pfeiltasten auf und ab, W oder S) zoomen, Pfeiltasten oder W A S D verschieben, 0 zeigt das ganze Bild",
        imageFailed: "Das Bild konnte nicht geladen werden", annotationsFailed: "Die Notizen zu diesem Bild konnten nicht geladen werden",
        annotations: "Details des Bildes", images: "Bilder",
        narrationPlay: "Erläuterung abspielen", narrationStop: "Erläuterung beenden" },
};

/**
 * The 3D inspector's words (inspector/Inspector.js), per language; the tools' own (measure, section, notes)
 * come from inspector/toolLabels.js and are merged over these. A language without an entry uses English.
 * Every control's name contains its English word (conservators share screenshots and instructions across
 * languages, and tests find controls by it), so the Chinese names carry it in brackets.
 * `{n}`-style fields are filled by the inspector (format()).
 */
export const INSPECTOR_LABELS = {
  en: {
    inspector: "Inspector", view: "3D view of {title}",
    viewKeys: "Arrow keys turn the model, Shift + arrow keys move the light, + and - zoom", compareView: "3D view of the previous scan ({date})",
    mode: "Mode", textured: "Textured", clay: "Clay", normals: "Normals", wireframe: "Wireframe", xray: "X-ray",
    deviation: "Deviation", change: "Change",
    light: "Light", azimuth: "Light azimuth (degrees)", elevation: "Light elevation (degrees)",
    ambient: "Light: ambient", exposure: "Light: exposure", shadows: "Light: shadows",
    raking: "Light: raking from the left", frontal: "Light: frontal",
    detail: "Detail", finest: "Finest level", levelInfo: "Level {level} of {levels}: {triangles} triangles",
    deviationInfo: "deviation from the scan {value} ({percent} of the diagonal)", noDeviation: "deviation unknown",
    unitsUnknown: "units unknown", downloads: "Downloads", downloadScan: "Download the original scan",
    downloadGlb: "Download the finest level, uncompressed (.glb)",
    previous: "Change: previous scan", previousOption: "{date}", minor: "Change: minor from ({units})",
    major: "Change: major from ({units})", compare: "Compare side by side (Change)",
    noChange: "no change", minorLoss: "minor loss", minorGain: "minor gain", majorLoss: "major loss",
    majorGain: "major gain", notMeasured: "not measured", legendDeviation: "Deviation from the scan",
    legendChange: "Change since {date}",
    noLimits: "This previous scan has no change limits: enter the minor and major limits under Change to classify the map.",
    screenshot: "Screenshot", screenshotSize: "Screenshot size", screenshotWidth: "Screenshot width (pixels)",
    times: "{n} × the view", widthOption: "the width below",
    section: "Section", measure: "Measure", notes: "Notes",
    loading: "Loading…", refining: "Refining…", loadFailed: "Could not load {path}", noLevels: "No 3D levels",
    viewerFailed: "Could not load the 3D viewer",
  },
  zh: {
    inspector: "检视器", view: "{title} 的三维视图",
    viewKeys: "方向键旋转模型，Shift + 方向键移动光源 (Light)，+ 和 - 缩放", compareView: "此前扫描（{date}）的三维视图",
    mode: "显示模式", textured: "纹理 (Textured)", clay: "白模 (Clay)", normals: "法线 (Normals)",
    wireframe: "线框 (Wireframe)", xray: "透视 (X-ray)", deviation: "偏差 (Deviation)", change: "变化 (Change)",
    light: "光照 (Light)", azimuth: "光照方位角（度）(Light)", elevation: "光照高度角（度）(Light)",
    ambient: "环境光 (Light)", exposure: "曝光 (Light)", shadows: "阴影 (Light)",
    raking: "左侧掠射光 (Light)", frontal: "正面光 (Light)",
    detail: "细节", finest: "最精细层级 (Finest level)", levelInfo: "第 {level} 级，共 {levels} 级：{triangles} 个三角形",
    deviationInfo: "与扫描的偏差 {value}（对角线的 {percent}）", noDeviation: "偏差未知",
    unitsUnknown: "单位未知", downloads: "下载", downloadScan: "下载原始扫描",
    downloadGlb: "下载最精细层级（未压缩 .glb）",
    previous: "变化：此前扫描 (Change)", previousOption: "{date}", minor: "变化：轻微起点（{units}）(Change)",
    major: "变化：显著起点（{units}）(Change)", compare: "并排比较 (Change)",
    noChange: "无变化", minorLoss: "轻微损失", minorGain: "轻微增加", majorLoss: "显著损失",
    majorGain: "显著增加", notMeasured: "未测量", legendDeviation: "与扫描的偏差",
    legendChange: "自 {date} 以来的变化",
    noLimits: "此前扫描没有变化阈值：请在“变化 (Change)”下输入轻微和显著阈值，以便对变化图分类。",
    screenshot: "截图 (Screenshot)", screenshotSize: "截图尺寸 (Screenshot)", screenshotWidth: "截图宽度（像素）(Screenshot)",
    times: "视图的 {n} 倍", widthOption: "下方的宽度",
    section: "剖面 (Section)", measure: "测量 (Measure)", notes: "注释 (Notes)",
    loading: "加载中…", refining: "细化中…", loadFailed: "无法加载 {path}", noLevels: "没有三维层级",
    viewerFailed: "无法加载三维查看器",
  },
};

/** The inspector's words in `lang` (by its primary subtag), English for any missing. */
export function inspectorLabelsFor(lang) {
  const own = INSPECTOR_LABELS[lang] || INSPECTOR_LABELS[String(lang).split("-")[0]] || {};
  return { ...INSPECTOR_LABELS.en, ...own };
}

/** The labels of `lang` (by its primary subtag), English otherwise. */
export function labelsFor(lang) {
  return LABELS[lang] || LABELS[String(lang).split("-")[0]] || LABELS.en;
}
