/*
 * Photo inputs: <input type="file" multiple accept="image/*" data-photo-input>.
 *
 * Progressive enhancement; the form works without it, since the server validates and
 * re-encodes every photo anyway. With it, on a slow mobile link:
 *  - at most data-max-files photos are kept (default 5), and files over data-max-bytes that the
 *    browser cannot shrink are dropped, each with a message from the input's data-msg-* attributes
 *    (the template fills them with translated text; "%(max)s" and "%(name)s" are replaced);
 *  - the GPS position in the first JPEG's EXIF is offered to the page as a "photo-gps" event
 *    (detail: {lat, lon}); the page may suggest the pin there, nothing is stored;
 *  - JPEG, PNG and WebP photos are redrawn upright, at most data-max-edge px (default 2048), as
 *    JPEG, which also drops their metadata before upload; anything else (HEIC) or any failure
 *    leaves the file as it was, for the server to handle;
 *  - small previews are shown.
 */
(function () {
  "use strict";

  var RESIZABLE = ["image/jpeg", "image/png", "image/webp"];
  var JPEG_QUALITY = 0.85;
  var EXIF_READ_BYTES = 256 * 1024;

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (match, key) {
      return key in values ? String(values[key]) : match;
    });
  }

  // ---- EXIF GPS: JPEG APP1 "Exif" segment -> TIFF header -> IFD0 -> GPS IFD. ----

  function readJpegGps(buffer) {
    var view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return null;
    var offset = 2;
    while (offset + 4 <= view.byteLength) {
      var marker = view.getUint16(offset);
      if ((marker & 0xff00) !== 0xff00 || marker === 0xffda || marker === 0xffd9) return null;
      var length = view.getUint16(offset + 2);
      if (
        marker === 0xffe1 &&
        length >= 16 &&
        view.getUint32(offset + 4) === 0x45786966 && // "Exif"
        view.getUint16(offset + 8) === 0
      ) {
        return readTiffGps(view, offset + 10, Math.min(view.byteLength, offset + 2 + length));
      }
      offset += 2 + length;
    }
    return null;
  }

  function readTiffGps(view, tiff, end) {
    var order = view.getUint16(tiff);
    if (order !== 0x4949 && order !== 0x4d4d) return null;
    var little = order === 0x4949;
    function u16(at) { if (at + 2 > end) throw new RangeError("EXIF"); return view.getUint16(at, little); }
    function u32(at) { if (at + 4 > end) throw new RangeError("EXIF"); return view.getUint32(at, little); }

    function entries(ifd) {
      var found = {};
      var count = u16(ifd);
      for (var i = 0; i < count && i < 256; i++) {
        var entry = ifd + 2 + i * 12;
        found[u16(entry)] = { type: u16(entry + 2), count: u32(entry + 4), at: entry + 8 };
      }
      return found;
    }
    function ascii(entry) {
      // Up to 4 bytes are stored in the entry itself: "N\0", "S\0", "E\0", "W\0".
      return entry && entry.type === 2 ? String.fromCharCode(view.getUint8(entry.at)) : "";
    }
    function degrees(entry, ref) {
      if (!entry || entry.type !== 5 || entry.count < 3) return null;
      var data = tiff + u32(entry.at);
      var parts = [];
      for (var i = 0; i < 3; i++) {
        var numerator = u32(data + i * 8);
        var denominator = u32(data + i * 8 + 4);
        if (!denominator) return null;
        parts.push(numerator / denominator);
      }
      var value = parts[0] + parts[1] / 60 + parts[2] / 3600;
      return ref === "S" || ref === "W" ? -value : value;
    }

    try {
      if (u16(tiff + 2) !== 42) return null;
      var ifd0 = entries(tiff + u32(tiff + 4));
      var pointer = ifd0[0x8825]; // GPSInfo
      if (!pointer) return null;
      var gps = entries(tiff + u32(pointer.at));
      var lat = degrees(gps[2], ascii(gps[1]));
      var lon = degrees(gps[4], ascii(gps[3]));
      if (lat === null || lon === null || !isFinite(lat) || !isFinite(lon)) return null;
      if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return null;
      return { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
    } catch (error) {
      return null; // malformed EXIF: no suggestion
    }
  }

  function readGps(file) {
    if (file.type !== "image/jpeg" || !file.slice || !file.slice(0, 1).arrayBuffer) {
      return Promise.resolve(null);
    }
    return file.slice(0, EXIF_READ_BYTES).arrayBuffer().then(readJpegGps, function () { return null; });
  }

  // ---- Resizing: upright, at most maxEdge px, JPEG. ----

  function canvasToBlob(canvas, quality) {
    return new Promise(function (resolve) {
      canvas.toBlob(resolve, "image/jpeg", quality);
    });
  }

  function resize(file, maxEdge) {
    if (RESIZABLE.indexOf(file.type) === -1 || typeof createImageBitmap !== "function") {
      return Promise.resolve(file);
    }
    // Without "from-image" support the orientation could be lost for good; then keep the original.
    return createImageBitmap(file, { imageOrientation: "from-image" })
      .then(function (bitmap) {
        var scale = Math.min(1, maxEdge / Math.max(bitmap.width, bitmap.height));
        var width = Math.max(1, Math.round(bitmap.width * scale));
        var height = Math.max(1, Math.round(bitmap.height * scale));
        var canvas = document.createElement("canvas");
        canvas.width = width;
        canvas.height = height;
        var context = canvas.getContext("2d");
        context.fillStyle = "#fff"; // transparent PNG areas become white, as on the server
        context.fillRect(0, 0, width, height);
        context.imageSmoothingQuality = "high";
        context.drawImage(bitmap, 0, 0, width, height);
        if (bitmap.close) bitmap.close();
        return canvasToBlob(canvas, JPEG_QUALITY).then(function (blob) {
          canvas.width = canvas.height = 0; // free the memory now, phones have little
          if (!blob || (scale === 1 && file.type === "image/jpeg" && blob.size >= file.size)) {
            return file;
          }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          return new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified });
        });
      })
      .catch(function () {
        return file;
      });
  }

  // ---- The input. ----

  function PhotoInput(input) {
    this.input = input;
    this.form = input.form;
    this.maxFiles = parseInt(input.dataset.maxFiles || "5", 10);
    this.maxBytes = parseInt(input.dataset.maxBytes || "0", 10);
    this.maxEdge = parseInt(input.dataset.maxEdge || "2048", 10);
    this.busy = false;
    this.submitPending = false;
    this.submitter = null;
    this.urls = [];
    this.previews = input.dataset.previewTarget && document.getElementById(input.dataset.previewTarget);
    if (!this.previews) {
      this.previews = document.createElement("div");
      this.previews.className = "photo-previews d-flex flex-wrap gap-2 mt-2";
      input.insertAdjacentElement("afterend", this.previews);
    }
    this.messages = document.createElement("div");
    this.messages.className = "photo-messages small mt-1";
    this.messages.setAttribute("aria-live", "polite");
    this.previews.insertAdjacentElement("afterend", this.messages);

    input.addEventListener("change", this.onChange.bind(this));
    if (this.form) this.form.addEventListener("submit", this.onSubmit.bind(this));
  }

  PhotoInput.prototype.say = function (texts, isError) {
    this.messages.textContent = "";
    this.messages.classList.toggle("text-danger", !!isError);
    texts.forEach(function (text) {
      if (!text) return;
      var line = document.createElement("div");
      line.textContent = text;
      this.messages.appendChild(line);
    }, this);
  };

  PhotoInput.prototype.onSubmit = function (event) {
    if (!this.busy) return;
    // Wait for the resizing to finish, then send what the reporter chose.
    event.preventDefault();
    this.submitPending = true;
    this.submitter = event.submitter || null;
  };

  PhotoInput.prototype.onChange = function () {
    var self = this;
    var input = this.input;
    var chosen = Array.prototype.slice.call(input.files || []);
    var problems = [];
    if (chosen.length > this.maxFiles) {
      problems.push(format(input.dataset.msgTooMany, { max: this.maxFiles }));
      chosen = chosen.slice(0, this.maxFiles);
    }
    this.busy = true;
    this.say([input.dataset.msgProcessing], false);
    input.setAttribute("aria-busy", "true");

    readGps(chosen[0] || new Blob())
      .then(function (gps) {
        if (gps) {
          input.dispatchEvent(new CustomEvent("photo-gps", { detail: gps, bubbles: true }));
        }
        // One at a time: a phone decoding five 12-megapixel photos at once runs out of memory.
        return chosen.reduce(function (done, file) {
          return done.then(function (kept) {
            return resize(file, self.maxEdge).then(function (result) {
              if (self.maxBytes && result.size > self.maxBytes) {
                problems.push(format(input.dataset.msgTooLarge, { name: file.name }));
              } else {
                kept.push(result);
              }
              return kept;
            });
          });
        }, Promise.resolve([]));
      })
      .then(function (kept) {
        self.replaceFiles(kept);
        self.showPreviews(kept);
        self.say(problems, problems.length > 0);
      })
      .catch(function () {
        self.say([], false); // leave the files as chosen; the server decides
      })
      .then(function () {
        self.busy = false;
        input.removeAttribute("aria-busy");
        if (self.submitPending && self.form) {
          var submitter = self.submitter;
          self.submitPending = false;
          self.submitter = null;
          if (self.form.requestSubmit) {
            self.form.requestSubmit(submitter && submitter.form === self.form ? submitter : undefined);
          } else {
            self.form.submit();
          }
        }
      });
  };

  PhotoInput.prototype.replaceFiles = function (files) {
    if (typeof DataTransfer !== "function") return;
    try {
      var transfer = new DataTransfer();
      files.forEach(function (file) { transfer.items.add(file); });
      this.input.files = transfer.files; // does not fire "change" again
    } catch (error) {
      // Some older browsers cannot set a FileList: the original files go up unchanged.
    }
  };

  PhotoInput.prototype.showPreviews = function (files) {
    this.urls.forEach(function (url) { URL.revokeObjectURL(url); });
    this.urls = [];
    this.previews.textContent = "";
    files.forEach(function (file) {
      var figure = document.createElement("figure");
      figure.className = "photo-preview m-0 border rounded overflow-hidden bg-light d-flex " +
        "align-items-center justify-content-center small text-body-secondary text-break";
      figure.style.width = figure.style.height = "6rem";
      var url = URL.createObjectURL(file);
      this.urls.push(url);
      var image = document.createElement("img");
      image.src = url;
      image.alt = file.name;
      image.style.width = image.style.height = "100%";
      image.style.objectFit = "cover";
      image.onerror = function () {
        // HEIC and the like: most browsers cannot show them; the server will convert them.
        figure.textContent = file.name;
        figure.classList.add("p-1");
      };
      figure.appendChild(image);
      this.previews.appendChild(figure);
    }, this);
  };

  function enhance(root) {
    var inputs = (root || document).querySelectorAll("input[type=file][data-photo-input]");
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.dataset.photoInputReady) return;
      input.dataset.photoInputReady = "1";
      new PhotoInput(input);
    });
  }

  // Exposed for pages that add inputs later and for tests.
  window.CamauPhotos = { enhance: enhance, readJpegGps: readJpegGps };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
