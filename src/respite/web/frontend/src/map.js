// The offline map: Leaflet with no tiles, drawing the bundled basemap layers and the pause
// zones. A zone's state is shown by pattern and border as well as colour (hatched + solid
// thick border = active now; dotted + dashed border = later today; thin dotted = not active).
import L from 'leaflet';
import { pick, t } from './i18n.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
export const STYLES = {
  active: { color: '#b3261e', weight: 3.5, opacity: 1, dashArray: null, fill: true, fillColor: 'url(#hatch-active)', fillOpacity: 1 },
  later: { color: '#0060a8', weight: 2.5, opacity: 1, dashArray: '10 6', fill: true, fillColor: 'url(#dots-later)', fillOpacity: 1 },
  inactive: { color: '#555', weight: 1.2, opacity: 0.9, dashArray: '2 5', fill: false },
  selected: { color: '#000', weight: 2, opacity: 1, dashArray: '1 4', fill: false },
};

function el(name, attrs, children = []) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.appendChild(child);
  return node;
}

function addPatterns(svg) {
  const defs = el('defs', {}, [
    el('pattern', { id: 'hatch-active', width: 9, height: 9, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, [
      el('rect', { width: 9, height: 9, fill: '#b3261e', 'fill-opacity': 0.12 }),
      el('line', { x1: 0, y1: 0, x2: 0, y2: 9, stroke: '#b3261e', 'stroke-width': 3, 'stroke-opacity': 0.55 }),
    ]),
    el('pattern', { id: 'dots-later', width: 10, height: 10, patternUnits: 'userSpaceOnUse' }, [
      el('rect', { width: 10, height: 10, fill: '#0060a8', 'fill-opacity': 0.06 }),
      el('circle', { cx: 5, cy: 5, r: 1.8, fill: '#0060a8', 'fill-opacity': 0.6 }),
    ]),
  ]);
  svg.insertBefore(defs, svg.firstChild);
}

export class PauseMap {
  constructor(container, { onPick }) {
    this.onPick = onPick;
    const map = L.map(container, { minZoom: 9, maxZoom: 17, zoomSnap: 0.5, keyboard: true, attributionControl: false });
    this.map = map;
    map.setView([31.42, 34.38], 10);
    for (const [name, z] of [['base', 300], ['blocks', 350], ['zones', 400], ['labels', 450], ['pick', 500]]) {
      map.createPane(name).style.zIndex = z;
    }
    map.getPane('labels').style.pointerEvents = 'none';
    this.zoneRenderer = L.svg({ pane: 'zones', padding: 0.5 }).addTo(map);
    addPatterns(this.zoneRenderer._container);
    this.baseRenderer = L.svg({ pane: 'base', padding: 0.5 }).addTo(map);
    this.blockRenderer = L.svg({ pane: 'blocks', padding: 0.5 }).addTo(map);
    this.zoneLayers = new Map();
    this.blockLabels = L.layerGroup();
    this.labels = L.layerGroup().addTo(map);
    this.pickMarker = null;
    map.on('click', (e) => this.onPick(e.latlng.lng, e.latlng.lat, null));
    container.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && e.target === container) {
        const c = map.getCenter();
        this.onPick(c.lng, c.lat, null);
      }
    });
    map.on('zoomend', () => this.updateBlockLabels());
  }

  // The first view frames the pauses' own zones (a Sudan-wide ceasefire, an Aleppo corridor),
  // not a fixed region; the bundled basemap is drawn wherever it is.
  drawBasemap(layers, zones = []) {
    const { map } = this;
    this.layers = layers;
    const base = { renderer: this.baseRenderer, interactive: false, pane: 'base' };
    L.geoJSON(layers.strip, { ...base, style: { color: '#333', weight: 2, fillColor: '#fbf8ef', fillOpacity: 1 } }).addTo(map);
    L.geoJSON(layers.governorates, { ...base, style: { color: '#666', weight: 1.2, dashArray: '6 3', fill: false } }).addTo(map);
    L.geoJSON(layers.blocks, { renderer: this.blockRenderer, pane: 'blocks', interactive: false, style: { color: '#8a8a8a', weight: 0.6, fill: false } }).addTo(map);
    L.geoJSON(layers.roads, { ...base, style: { color: '#5b4a2f', weight: 2.2, opacity: 0.8 } }).addTo(map);
    const strip = L.geoJSON(layers.strip).getBounds();
    const extent = zones.length ? L.geoJSON({ type: 'FeatureCollection', features: zones }).getBounds() : strip;
    const reach = L.latLngBounds(extent.getSouthWest(), extent.getNorthEast()).extend(strip).pad(0.6);
    map.setMinZoom(0);  // getBoundsZoom never answers below the current minimum
    map.setMinZoom(Math.min(9, Math.floor(map.getBoundsZoom(reach))));
    map.setMaxBounds(reach);
    map.fitBounds(extent, { padding: [8, 8] });
    this.drawLabels();
    this.updateBlockLabels();
  }

  drawLabels() {
    const { layers } = this;
    this.labels.clearLayers();
    this.blockLabels.clearLayers();
    const label = (latlng, html, className) => L.marker(latlng, {
      pane: 'labels', interactive: false, keyboard: false,
      icon: L.divIcon({ className, html, iconSize: null }),
    });
    for (const f of layers.governorates.features) {
      const [lon, lat] = f.properties.label;
      this.labels.addLayer(label([lat, lon], `<span>${escapeHtml(pick({ en: f.properties.name_en, ar: f.properties.name_ar }))}</span>`, 'lbl lbl-gov'));
    }
    for (const f of layers.places.features) {
      const [lon, lat] = f.geometry.coordinates;
      const big = ['city', 'town'].includes(f.properties.place) ? ' lbl-big' : '';
      this.labels.addLayer(label([lat, lon], `<i aria-hidden="true"></i><span>${escapeHtml(pick({ en: f.properties.name_en, ar: f.properties.name_ar }))}</span>`, `lbl lbl-place${big}`));
    }
    for (const f of layers.crossings.features) {
      const [lon, lat] = f.geometry.coordinates;
      this.labels.addLayer(label([lat, lon], `<b aria-hidden="true"></b><span>${escapeHtml(pick({ en: f.properties.name_en, ar: f.properties.name_ar }))}</span>`, 'lbl lbl-crossing'));
    }
    for (const f of layers.blocks.features) {
      const [lon, lat] = f.properties.label;
      this.blockLabels.addLayer(label([lat, lon], `<span>${f.properties.block}</span>`, 'lbl lbl-block'));
    }
    const sea = label([31.45, 34.22], `<span>${escapeHtml(t('sea'))}</span>`, 'lbl lbl-sea');
    if (t('sea') !== 'sea') this.labels.addLayer(sea);
  }

  updateBlockLabels() {
    const show = this.map.getZoom() >= 13.5;
    if (show && !this.map.hasLayer(this.blockLabels)) this.blockLabels.addTo(this.map);
    if (!show && this.map.hasLayer(this.blockLabels)) this.map.removeLayer(this.blockLabels);
  }

  // zones: prepared zones; states: Map index -> {state}; showInactive: draw inactive ones.
  drawZones(zones, states, { showInactive, selectedPause }) {
    for (const zone of zones) {
      const { state } = states.get(zone.index);
      const selected = selectedPause && zone.props.pause_id === selectedPause;
      const visible = state !== 'inactive' || showInactive || selected;
      let layer = this.zoneLayers.get(zone.index);
      if (!visible) {
        if (layer) layer.remove();
        continue;
      }
      if (!layer) {
        layer = L.geoJSON(zone.feature, { renderer: this.zoneRenderer, pane: 'zones', interactive: false });
        this.zoneLayers.set(zone.index, layer);
      }
      const style = state === 'inactive' && selected ? STYLES.selected : STYLES[state];
      layer.setStyle(style);
      if (!this.map.hasLayer(layer)) layer.addTo(this.map);
      layer.eachLayer((path) => {
        const node = path.getElement?.();
        if (node) {
          node.setAttribute('data-zone', zone.feature.id);
          node.setAttribute('data-state', state);
        }
      });
    }
  }

  showPick(lon, lat) {
    if (this.pickMarker) this.pickMarker.remove();
    this.pickMarker = L.layerGroup([
      L.circleMarker([lat, lon], { pane: 'pick', radius: 9, color: '#000', weight: 3, fill: true, fillColor: '#fff', fillOpacity: 1, interactive: false }),
      L.circleMarker([lat, lon], { pane: 'pick', radius: 3, color: '#000', weight: 0, fill: true, fillColor: '#000', fillOpacity: 1, interactive: false }),
    ]).addTo(this.map);
  }

  focusOn(lon, lat) {
    const { map } = this;
    const zoom = Math.max(map.getZoom(), 12);
    map.setView([lat, lon], zoom, { animate: false });
  }

  fitGeometry(geometry) {
    this.map.fitBounds(L.geoJSON(geometry).getBounds(), { padding: [16, 16], maxZoom: 14.5, animate: false });
  }

  translate() {
    const zoomIn = this.map.getContainer().querySelector('.leaflet-control-zoom-in');
    const zoomOut = this.map.getContainer().querySelector('.leaflet-control-zoom-out');
    if (zoomIn) { zoomIn.title = t('zoomIn'); zoomIn.setAttribute('aria-label', t('zoomIn')); }
    if (zoomOut) { zoomOut.title = t('zoomOut'); zoomOut.setAttribute('aria-label', t('zoomOut')); }
    if (this.layers) this.drawLabels();
    this.updateBlockLabels();
  }
}

export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
