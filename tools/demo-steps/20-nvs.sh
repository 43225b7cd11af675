# Demo step 20: the NVS "storage" partition holding the device credentials (DER files from
# step 10) and the thing name, built byte-identical to Espressif's nvs_partition_gen.py.
[ "${FWPROV_DEMO_TOUR:-0}" = 1 ] || return 0  # the stage-by-stage tour (README.md); tools/demo.sh shows provision
cat >storage.csv <<'CSV'
key,type,encoding,value
creds,namespace,,
P11_Cert,file,binary,cert.der
P11_Key,file,binary,privatekey.der
P11_CSK,file,binary,csk.der
thing_name,data,string,fwprov-demo-thing
CSV
step "build the 64 KiB storage partition image" "$FWPROV" nvs generate storage.csv storage.bin 0x10000
step "show what the image holds" "$FWPROV" nvs decode storage.bin
step "verify CRCs, bitmaps and blob chunks" "$FWPROV" nvs check storage.bin
