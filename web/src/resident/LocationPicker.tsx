// Location question on the web: 現在地を使う (browser geolocation), a map whose pin the resident
// places and adjusts (tap, drag, or arrow keys on the focused pin), and an address / landmark
// field for anyone who cannot or will not use the map. Loaded lazily: Leaflet is only fetched
// when a location question is asked. Tiles come from the operator's --map-tiles setting.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useId, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api';
import type { Input, QuestionPrompt } from '../chat/prompts';
import { useLoad } from '../common';
import { useI18n } from '../i18n-react';
import { nudge, roundCoord, type LatLng } from './location';

export interface MapSettings { tiles: string; attribution: string; attribution_url?: string; center: [number, number]; zoom: number }

// Drawn, not an emoji: phones without a colour emoji font would show a box.
const PIN_SVG = '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="44" height="44">'
  + '<path d="M12 2C8 2 5 5 5 9c0 5 7 13 7 13s7-8 7-13c0-4-3-7-7-7z" fill="#c62828" stroke="#fff" stroke-width="1.5"/>'
  + '<circle cx="12" cy="9" r="2.6" fill="#fff"/></svg>';

const FALLBACK: MapSettings = { tiles: '', attribution: '', center: [35.6812, 139.7671], zoom: 15 };

export default function LocationPicker({ q, send }: { q: QuestionPrompt; send: (input: Input, about?: QuestionPrompt) => Promise<void> }) {
  const { t } = useI18n();
  const { tenant = '' } = useParams();
  const info = useLoad(() => api.get<{ map?: MapSettings }>(`/api/public/${encodeURIComponent(tenant)}/info`), [tenant]);
  const settings = info.data ? (info.data.map ?? FALLBACK) : null;
  const [pin, setPin] = useState<LatLng | null>(null);
  const [note, setNote] = useState('');
  const [geo, setGeo] = useState<'idle' | 'locating' | 'denied' | 'unsupported'>('idle');
  const [mapFailed, setMapFailed] = useState(false);
  const mapEl = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const markerRef = useRef<L.Marker | null>(null);
  const noteRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const pinLabel = t('loc.pin');

  // The map is made once the settings are known; the pin follows `pin`.
  useEffect(() => {
    if (!settings || !mapEl.current || mapRef.current) return;
    let map: L.Map;
    try {
      // The attribution is shown below the map as ordinary text (a readable, tappable link).
      map = L.map(mapEl.current, { center: settings.center, zoom: settings.zoom, keyboard: true, attributionControl: false });
    } catch { setMapFailed(true); return; }
    if (settings.tiles) L.tileLayer(settings.tiles, { maxZoom: 19 }).addTo(map);
    map.on('click', (e: L.LeafletMouseEvent) => setPin({ lat: roundCoord(e.latlng.lat), lng: roundCoord(e.latlng.lng) }));
    mapRef.current = map;
    return () => { map.remove(); mapRef.current = null; markerRef.current = null; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settings === null]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    if (!pin) { markerRef.current?.remove(); markerRef.current = null; return; }
    if (markerRef.current) { markerRef.current.setLatLng([pin.lat, pin.lng]); return; }
    const icon = L.divIcon({ className: 'loc-pin', html: PIN_SVG, iconSize: [44, 44], iconAnchor: [22, 42] });
    const marker = L.marker([pin.lat, pin.lng], { draggable: true, keyboard: true, icon, title: pinLabel, autoPanOnFocus: true }).addTo(map);
    marker.on('dragend', () => { const ll = marker.getLatLng(); setPin({ lat: roundCoord(ll.lat), lng: roundCoord(ll.lng) }); });
    const el = marker.getElement();
    if (el) {
      el.setAttribute('role', 'button');
      el.setAttribute('aria-label', pinLabel);
      el.setAttribute('data-testid', 'location-pin');
      // Arrow keys move the pin (Shift: five times as far) instead of panning the map.
      el.addEventListener('keydown', (ev: KeyboardEvent) => {
        const dir = ({ ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] } as Record<string, [number, number]>)[ev.key];
        if (!dir) return;
        ev.preventDefault(); ev.stopPropagation();
        const step = ev.shiftKey ? 50 : 10;
        setPin((old) => (old ? nudge(old, dir[0] * step, dir[1] * step, (ll) => map.latLngToContainerPoint([ll.lat, ll.lng]), (x, y) => {
          const p = map.containerPointToLatLng([x, y]);
          return { lat: p.lat, lng: p.lng };
        }) : old));
      });
    }
    markerRef.current = marker;
  }, [pin, pinLabel]);

  const place = (p: LatLng, zoom?: number) => {
    setPin({ lat: roundCoord(p.lat), lng: roundCoord(p.lng) });
    mapRef.current?.setView([p.lat, p.lng], zoom ?? mapRef.current.getZoom());
  };

  const useHere = () => {
    if (!('geolocation' in navigator)) { setGeo('unsupported'); noteRef.current?.focus(); return; }
    setGeo('locating');
    navigator.geolocation.getCurrentPosition(
      (pos) => { setGeo('idle'); place({ lat: pos.coords.latitude, lng: pos.coords.longitude }, 17); },
      () => { setGeo('denied'); },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 },
    );
  };

  const placeAtCentre = () => {
    const c = mapRef.current?.getCenter();
    if (c) place({ lat: c.lat, lng: c.lng });
    else if (settings) place({ lat: settings.center[0], lng: settings.center[1] });
  };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const text = note.trim();
    if (pin) void send({ type: 'location', lat: pin.lat, lng: pin.lng, ...(text ? { address: text } : {}) }, q);
    else if (text) void send({ type: 'text', text }, q);
  };

  return (
    <div className="location">
      <button type="button" className="btn btn-primary" onClick={useHere} disabled={geo === 'locating'} data-testid="location-gps">{t('loc.useHere')}</button>
      {geo === 'locating' && <p className="muted" role="status">{t('loc.locating')}</p>}
      {(geo === 'denied' || geo === 'unsupported') && (
        <p className="alert alert-warn" role="alert" data-testid="location-denied">{t(geo === 'denied' ? 'loc.denied' : 'loc.unsupported')}</p>
      )}
      {mapFailed ? <p className="alert alert-warn" role="alert">{t('loc.mapUnavailable')}</p> : (
        <>
          <p className="muted" id={`${id}-help`}>{t('loc.mapHelp')}</p>
          <div ref={mapEl} className="location-map" data-testid="location-map" role="region"
            aria-label={t('loc.mapLabel')} aria-describedby={`${id}-help`} />
          {settings?.tiles && settings.attribution && (
            <p className="map-attribution" data-testid="map-attribution">{t('loc.mapData')}{settings.attribution_url
              ? <a href={settings.attribution_url} target="_blank" rel="noopener noreferrer">{settings.attribution}</a>
              : settings.attribution}</p>
          )}
          <button type="button" className="btn" onClick={placeAtCentre} data-testid="location-centre">{t('loc.placePin')}</button>
        </>
      )}
      <p className="loc-status" role="status" aria-live="polite" data-testid="location-status">
        {pin ? t('loc.pinAt', { lat: pin.lat.toFixed(5), lng: pin.lng.toFixed(5) }) : t('loc.noPin')}
      </p>
      <form className="manual-loc" onSubmit={submit}>
        <div className="field"><label htmlFor={`${id}-note`}>{t('loc.note')}</label>
          <input id={`${id}-note`} ref={noteRef} value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} data-testid="location-address" /></div>
        <button type="submit" className="btn btn-primary" disabled={!pin && !note.trim()} data-testid="location-submit">
          {pin ? t('loc.sendPin') : t('loc.sendText')}
        </button>
      </form>
    </div>
  );
}
